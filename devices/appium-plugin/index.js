'use strict';
/**
 * Test-only Appium 3 plugin for ringcheck: turns the fake driver into a scriptable phone.
 *
 * Why: the fake driver reads one app XML and returns one fixed PNG. A test needs a phone that
 * starts ringing when the test says so, answers the `mobile:` commands UiAutomator2 / XCUITest
 * answer on real phones, and fails the way real sessions fail. The phone's state lives here,
 * keyed by the session's `appium:udid`, and is driven from outside any session over
 * `POST /ringcheck/phones/:udid` (like a call arriving), read back with `GET` (what the robot did).
 */
const {BasePlugin} = require('appium/plugin');
const {errors} = require('appium/driver');
const fs = require('node:fs');
const {loadContract} = require('./contract');

// The real drivers' execute methods (UiAutomator2 for android phones, XCUITest for ios), so a
// command a real driver lacks fails here as it would on a phone.
let contract = null;
async function driverContract() {
  contract = contract || loadContract();
  return await contract;
}

const phones = new Map();
const DEFAULT_SETTINGS = {airplane_mode_on: '0', zen_mode: '0'};

function phone(udid) {
  if (!phones.has(udid)) {
    phones.set(udid, {
      version: 0, platform: 'android', callState: 0, xml: null, png: null, package: 'com.google.android.apps.nexuslauncher',
      activity: '.NexusLauncherActivity', bundleId: 'com.apple.springboard', incomingNumber: '',
      inService: true, carrier: 'T-Mobile', msisdn: '', battery: 0.8, locked: false, passcode: false,
      declineId: null, declineBy: 'tap', idle: null, contacts: [], settings: {}, packages: {}, headsUp: false,
      faults: {}, screenshots: 0, log: [],
    });
  }
  return phones.get(udid);
}

function udidOf(driver) {
  return (driver && (driver.caps?.udid || driver.opts?.udid)) || 'default';
}

/** Swap the fake driver's screen model when the test changed it; old elements go stale. */
async function sync(driver, p) {
  if (p.xml && driver.appModel && driver.__ringcheckVersion !== p.version) {
    await driver.appModel.loadApp(p.xml);
    driver.elMap = {};
    driver.__ringcheckVersion = p.version;
  }
}

function hangUp(p, how) {
  p.log.push(how);
  if (p.callState === 0) return;
  Object.assign(p, p.idle || {}, {callState: 0, headsUp: false, version: p.version + 1});
}

function telephonyRegistry(p) {
  const reg = p.inService ? '0(IN_SERVICE)' : '1(OUT_OF_SERVICE)';
  return ['last known state:', '  Phone Id=0', `  mCallState=${p.callState}`,
    `  mCallIncomingNumber=${p.callState === 1 ? p.incomingNumber : ''}`,
    `  mServiceState={mVoiceRegState=${reg}, mDataRegState=${reg}, mOperatorAlphaLong=${p.carrier}}`,
    ''].join('\n');
}

/**
 * `mobile: shell`: as on a phone, whose sh gets the words joined by `adb shell`, a `;` word
 * separates commands and `$?` is the exit status of the one before (the robot batches its
 * arming reads this way: devices/android_shell.py).
 */
function shell(p, command, args) {
  const words = [command, ...(args || [])];
  let printed = '';
  let segment = [];
  for (const word of [...words, ';']) {
    if (word !== ';') { segment.push(word); continue; }
    if (segment.length) printed += segment[0] === 'echo'
      ? `${segment.slice(1).map((w) => (w === '$?' ? '0' : w)).join(' ')}\n`
      : oneCommand(p, segment[0], segment.slice(1));
    segment = [];
  }
  return printed;
}

function oneCommand(p, command, args) {
  const line = [command, ...(args || [])].join(' ');
  p.log.push(`shell ${line}`);
  if (line.startsWith('dumpsys telephony.registry')) return telephonyRegistry(p);
  if (line.startsWith('settings get')) {
    const key = args[args.length - 1];
    return `${p.settings[key] ?? DEFAULT_SETTINGS[key] ?? 'null'}\n`;
  }
  if (line.startsWith('content query') && line.includes('com.android.contacts/data/phones')) {
    const rows = p.contacts.map((n, i) => `Row: ${i} data1=${n}, display_name=Saved ${n}\n`);
    return rows.join('') || 'No result found.\n';
  }
  if (line.startsWith('content query') && line.includes('siminfo')) return `Row: 0 number=${p.msisdn}\n`;
  if (line.startsWith('dumpsys package')) {
    const v = p.packages[args[args.length - 1]];
    return v ? `Packages:\n  Package [${args[args.length - 1]}]\n    versionName=${v}\n` : '';
  }
  return '';
}

const MOBILE = {
  'mobile: shell': (p, a) => shell(p, a.command, a.args),
  'mobile: getCurrentPackage': (p) => p.package,
  'mobile: getCurrentActivity': (p) => p.activity,
  'mobile: activeAppInfo': (p) => ({bundleId: p.bundleId, name: '', pid: 1}),
  'mobile: batteryInfo': (p) => ({level: p.battery, state: 2}),
  'mobile: isLocked': (p) => p.locked,
  'mobile: deviceInfo': (p) => ({carrierName: p.inService ? p.carrier : '', model: 'Fake'}),
  'mobile: unlock': (p) => { p.log.push('unlock'); if (!p.passcode) p.locked = false; return null; },
  'mobile: lock': (p) => { p.log.push('lock'); p.locked = true; return null; },
  'mobile: activateApp': (p, a) => {
    const app = a.appId || a.bundleId;
    p.log.push(`activateApp ${app}`);
    if (p.platform === 'ios') p.bundleId = app; else Object.assign(p, {package: app, activity: '.Main'});
    return null;
  },
  'mobile: openNotifications': (p) => { p.log.push('openNotifications'); return null; },
  'mobile: dragGesture': (p, a, driver) => {
    const el = driver.elMap?.[a.elementId];
    const id = el?.nodeAttrs?.id;
    if (id && id === p.declineId) { hangUp(p, `drag ${id}`); return null; }
    p.log.push(`drag ${id || 'nothing'}`);
    return null;
  },
  'mobile: pressButton': (p, a) => { p.log.push(`pressButton ${a.name}`); return null; },
  'mobile: pressKey': (p, a) => {
    const key = Number(a.keycode);
    p.log.push(`pressKey ${key}${key === 6 && p.faults.ignoreEndCallKey ? ' ignored' : ''}`);
    if (key === 6 && !p.faults.ignoreEndCallKey) hangUp(p, 'hung up');
    return null;
  },
};

class RingcheckPlugin extends BasePlugin {
  static async updateServer(expressApp) {
    expressApp.post('/ringcheck/phones/:udid', (req, res) => {
      const p = phone(req.params.udid);
      Object.assign(p, req.body || {}, {version: p.version + 1});
      res.json({value: {version: p.version}});
    });
    expressApp.get('/ringcheck/phones/:udid', (req, res) => res.json({value: phone(req.params.udid)}));
  }

  async handle(next, driver, cmdName, ...args) {
    if (!driver || !driver.appModel) return await next();
    const p = phone(udidOf(driver));
    if (driver.__ringcheckLost) throw new errors.NoSuchDriverError('ringcheck fault: session lost');
    await sync(driver, p);
    if (cmdName === 'execute' && String(args[0]).trim().startsWith('mobile:')) {
      const params = (Array.isArray(args[1]) ? args[1][0] : args[1]) || {};
      return await this.mobile(p, String(args[0]).trim(), params, driver);
    }
    if (cmdName === 'getScreenshot') return await this.screenshot(driver, p);
    if (cmdName === 'click') {
      const el = driver.elMap[args[0]];
      if (!el || p.faults.staleClicks > 0) {
        p.faults.staleClicks = Math.max(0, (p.faults.staleClicks || 0) - 1);
        p.log.push('click stale');
        throw new errors.StaleElementReferenceError();
      }
      const id = el.nodeAttrs.id;
      if (id && id === p.declineId && p.declineBy === 'swipe') {
        p.log.push(`click ${id} ignored (declines by a swipe)`);
        return null;
      }
      if (id && id === p.declineId) { hangUp(p, `click ${id}`); return null; }
    }
    return await next();
  }

  /** A `mobile:` command, checked against the real driver of the phone's platform first. */
  async mobile(p, script, params, driver) {
    const real = (await driverContract()).drivers[p.platform];
    if (!real) throw new errors.InvalidArgumentError(`ringcheck plugin: unknown platform ${p.platform}`);
    const spec = real.execute_methods[script];
    if (!spec) {
      throw new errors.UnsupportedOperationError(
        `Unsupported execute method '${script}'. It is not in ${real.driver} ${real.version}.`);
    }
    const given = Object.keys(params);
    if (spec.required.length && !spec.required.some((set) => set.every((k) => given.includes(k)))) {
      throw new errors.InvalidArgumentError(
        `'${script}' needs ${spec.required.map((s) => s.join('/')).join(' or ')}`);
    }
    const known = new Set([...spec.optional, ...spec.required.flat(), 'sessionId', 'id']);
    const unknown = given.filter((k) => !known.has(k));
    if (unknown.length) {
      throw new errors.InvalidArgumentError(`'${script}' takes no parameter ${unknown.join(', ')}`);
    }
    const handler = MOBILE[script];
    if (!handler) {
      throw new errors.UnsupportedOperationError(
        `'${script}' is a ${real.driver} method the ringcheck plugin does not simulate`);
    }
    return handler(p, params, driver);
  }

  /**
   * Faults: `screenshotDelayMs` (slow), `loseSessionAfterScreenshots` (+ `loseSessionTimes`);
   * elsewhere `ignoreEndCallKey` and `staleClicks` (the next N taps hit a stale element).
   */
  async screenshot(driver, p) {
    p.screenshots += 1;
    const f = p.faults;
    if (f.screenshotDelayMs) await new Promise((r) => setTimeout(r, f.screenshotDelayMs));
    const times = f.loseSessionTimes ?? Infinity;
    if (f.loseSessionAfterScreenshots != null && p.screenshots > f.loseSessionAfterScreenshots && times > 0) {
      f.loseSessionTimes = times - 1;
      driver.__ringcheckLost = true;
      throw new errors.NoSuchDriverError('ringcheck fault: session lost mid-capture');
    }
    if (!p.png) throw new errors.UnknownError('ringcheck plugin: no screen PNG set for this phone');
    return fs.readFileSync(p.png).toString('base64');
  }
}

module.exports = {RingcheckPlugin, default: RingcheckPlugin};
