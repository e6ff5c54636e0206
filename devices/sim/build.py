"""Build a `SimFarm` from a project folder: its farm file (handsets, carriers) plus the checked
`sim:` section. The one place the virtual farm reads configuration.
"""

from __future__ import annotations

from pathlib import Path

from devices.sim.config import load_sim
from devices.sim.farm import SimFarm
from robot.config import load_project


def farm_from_project(folder: Path, *, sip_port: int = 0, http_port: int = 0) -> SimFarm:
    project = load_project(folder)
    carriers = list(project.carrier_names())
    handset_ids = [h.id for h in project.handsets]
    settings, base = load_sim(project.file, dict(project.sim), carriers, handset_ids)
    labels = {c.name: c.label for c in project.carriers}
    return SimFarm(handsets=project.handsets, settings=settings, carriers=carriers, folder=base,
                   sip_port=sip_port, http_port=http_port, carrier_labels=labels)
