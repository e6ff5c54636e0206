"""What the handset code makes of phone output, without a phone: the telephony registry per
SIM, `dumpsys telecom`, and an iPhone call banner found on a screenshot."""

from __future__ import annotations

import pytest

from devices.android import registry_slots, saved_contacts, telecom_number
from devices.android_shell import BATCH_MARK, Ran, split_batch
from devices.ios_banner import looks_like_call_banner
from devices.sim.render import render_call, render_idle
from devices.sim.screen import CallScreen, Look, Style
from robot.errors import DeviceError

DUAL_SIM = """last known state:
  Phone Id=0
  mCallState=0
  mCallIncomingNumber=
  mServiceState={mVoiceRegState=0(IN_SERVICE)}
  Phone Id=1
  mCallState=1
  mCallIncomingNumber=+13125550177
"""


def test_registry_gives_each_sims_state_and_number() -> None:
    slots = registry_slots(DUAL_SIM)
    assert [(s.slot, s.call_state, s.incoming) for s in slots] == [
        (0, 0, None), (1, 1, "+13125550177")]  # fmt: skip
    redacted = registry_slots("  mCallState=1\n  mCallIncomingNumber=+1312*******\n")
    assert redacted[0].incoming is None  # a hidden number is not a number
    assert registry_slots("no state here") == []


def test_saved_contacts_found_in_one_listing_whatever_their_format() -> None:
    listing = (
        "Row: 0 data1=(202) 555-0101, display_name=Northwind, Fraud Desk\n"
        "Row: 1 data1=+44 20 7946 0000, display_name=Mum\n"
    )
    assert saved_contacts(listing, ["+12025550101", "+12025550102"]) == [
        ("contact:+12025550101", "saved as 'Northwind, Fraud Desk'"),
        ("contact:+12025550102", "not saved"),
    ]
    assert saved_contacts("No result found.\n", ["+12025550101"]) == [
        ("contact:+12025550101", "not saved")]  # fmt: skip


def test_telecom_handle_withheld_or_hidden() -> None:
    line = "    [TC@3, RINGING, com.android.phone/x, tel:{}, A, childs(0)]\n"
    assert telecom_number(line.format("+12025550101")) == "+12025550101"
    assert telecom_number(line.format("")) == ""  # withheld
    assert telecom_number(line.format("1**********")) is None
    assert telecom_number("    [TC@3, ACTIVE, x, tel:+12025550101]\n") is None


CALL = CallScreen("+12025550101", "NORTHWIND BANK", "Spam Risk")


@pytest.mark.parametrize("app", [None, "com.apple.mobileslideshow", "com.apple.mobilesafari"])
def test_the_ios_banner_is_found_on_the_screenshot_over_any_app(app: str | None) -> None:
    banner = render_call(CALL, Look(Style.IOS_BANNER, 1170, 2532), app=app).png
    assert looks_like_call_banner(banner)


@pytest.mark.parametrize("style", [Style.IOS, Style.GOOGLE_DARK, Style.ANDROID_HEADSUP])
def test_no_banner_on_other_screens(style: Style) -> None:
    size = (1170, 2532) if style is Style.IOS else (1080, 2400)
    assert not looks_like_call_banner(render_call(CALL, Look(style, *size)).png)
    assert not looks_like_call_banner(render_idle(Look(style, *size)).png)
    assert not looks_like_call_banner(b"not a png")


def test_a_shell_batch_is_told_apart_by_its_exit_statuses() -> None:
    """Each command's output ends at its status line, even output without a final newline
    (the status is then printed on its last line); a failing command says so."""
    mark = BATCH_MARK
    text = (
        f"last known state:\n  mCallState=0\n{mark} 0\n"
        f"1\n{mark} 0\n"
        f"Error while accessing provider:call_log{mark} 1\r\n"
    )
    registry, zen, log = split_batch(text, 3)
    assert registry == Ran("last known state:\n  mCallState=0\n", 0)
    assert zen.value() == "1\n"
    assert log.status == 1
    assert log.value() == "unknown (exit status 1: Error while accessing provider:call_log)"
    with pytest.raises(DeviceError, match="3 shell commands printed 2 exit statuses"):
        split_batch(f"x\n{mark} 0\ny\n{mark} 0\n", 3)
