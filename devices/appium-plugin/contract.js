'use strict';
/**
 * What the real Appium drivers accept, read from the installed npm packages: the `mobile:`
 * execute methods of UiAutomator2 (Android) and XCUITest (iOS) with their parameters, and the
 * capability constraints of each driver plus Appium's base ones.
 *
 * Why: ringcheck's handset code is tested against its own virtual farm and this plugin; both
 * must refuse what a real driver refuses, so their command tables come from here, never from a
 * hand list. `node devices/appium-plugin/contract.js` prints the contract as JSON; the
 * snapshot `devices/appium_contract.json` the Python side reads is that output, and a test
 * compares the two so a driver upgrade cannot drift silently.
 */
const path = require('node:path');
const {pathToFileURL} = require('node:url');

const DRIVERS = {
  android: {pkg: 'appium-uiautomator2-driver', constraints: 'build/lib/constraints.js', exported: 'default'},
  ios: {pkg: 'appium-xcuitest-driver', constraints: 'build/lib/desired-caps.js', exported: 'desiredCapConstraints'},
};

async function importFrom(root, relative) {
  return await import(pathToFileURL(path.join(root, relative)).href);
}

function params(spec) {
  const required = spec?.params?.required ?? [];
  // a driver may give several alternative sets of required parameters
  const sets = required.length && Array.isArray(required[0]) ? required : (required.length ? [required] : []);
  return {required: sets, optional: [...(spec?.params?.optional ?? [])]};
}

function plain(constraint) {
  const out = {};
  for (const [key, value] of Object.entries(constraint ?? {})) {
    if (typeof value !== 'function') out[key] = value;
  }
  return out;
}

async function loadContract() {
  const base = require(require.resolve('@appium/types')).BASE_DESIRED_CAP_CONSTRAINTS;
  const contract = {base_capabilities: {}, drivers: {}};
  for (const [key, value] of Object.entries(base)) contract.base_capabilities[key] = plain(value);
  for (const [platform, driver] of Object.entries(DRIVERS)) {
    const manifest = require.resolve(`${driver.pkg}/package.json`);
    const root = path.dirname(manifest);
    const {executeMethodMap} = await importFrom(root, 'build/lib/execute-method-map.js');
    const constraints = (await importFrom(root, driver.constraints))[driver.exported];
    const methods = {};
    for (const name of Object.keys(executeMethodMap).sort()) methods[name] = params(executeMethodMap[name]);
    const capabilities = {};
    for (const name of Object.keys(constraints).sort()) capabilities[name] = plain(constraints[name]);
    contract.drivers[platform] = {
      driver: driver.pkg, version: require(manifest).version, execute_methods: methods, capabilities,
    };
  }
  return contract;
}

module.exports = {loadContract};

if (require.main === module) {
  loadContract().then(
    (contract) => process.stdout.write(JSON.stringify(contract, null, 1) + '\n'),
    (err) => { process.stderr.write(`cannot read the Appium drivers: ${err.message}\n`); process.exit(1); },
  );
}
