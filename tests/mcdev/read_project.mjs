// Reads a generated Marketing Cloud folder with mcdev's own code, offline:
//   node read_project.mjs <path to node_modules/mcdev> (run with the project as cwd)
// Prints JSON: the config check's verdict and missing fields, and per credential/business
// unit what mcdev's deploy reads from deploy/ (type -> keys), and each automation schedule
// checked by mcdev's Automation._checkSchedule (time zone in its table, interval >= 5 min),
// and the field names of each data extension as mcdev read them.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.argv[2];
const load = async (rel) => (await import(pathToFileURL(path.join(root, rel)).href)).default;
const { Util } = await import(pathToFileURL(path.join(root, 'lib/util/util.js')).href);
const config = await load('lib/util/config.js');
const Deployer = await load('lib/Deployer.js');
const MetadataTypeInfo = await load('lib/MetadataTypeInfo.js');

Util.skipInteraction = true; // never prompt
const errors = [];
Util.logger.error = (msg) => errors.push(String(msg));
Util.logger.warn = () => {};
Util.logger.info = () => {};

const properties = await config.getProperties(); // not silent: checks credentials too
const missing = properties ? await config.checkProperties(properties, true) : null;
const out = { loaded: Boolean(properties), missing, errors, units: {}, schedules: {}, fields: {} };
for (const [cred, { businessUnits }] of Object.entries(properties?.credentials ?? {})) {
    for (const bu of Object.keys(businessUnits)) {
        const dir = path.join(properties.directories.deploy, cred, bu);
        try {
            const metadata = await Deployer.readBUMetadata(dir);
            out.units[`${cred}/${bu}`] = Object.fromEntries(
                Object.entries(metadata).map(([type, items]) => [type, Object.keys(items).sort()])
            );
            for (const [key, de] of Object.entries(metadata.dataExtension ?? {})) {
                out.fields[`${cred}/${bu}/${key}`] = (de.Fields ?? []).map((f) => f.Name);
            }
            for (const [key, auto] of Object.entries(metadata.automation ?? {})) {
                try {
                    MetadataTypeInfo.automation._checkSchedule({ ...auto.schedule }, true);
                    out.schedules[`${cred}/${bu}/${key}`] = 'ok';
                } catch (ex) {
                    out.schedules[`${cred}/${bu}/${key}`] = ex.message;
                }
            }
        } catch (ex) {
            out.units[`${cred}/${bu}`] = { error: ex.message };
        }
    }
}
process.stdout.write(JSON.stringify(out));
