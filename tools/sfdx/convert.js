// Reads an sfdx project's source with @salesforce/source-deploy-retrieve (the library the
// Salesforce CLI deploys with), converts it to the Metadata API format, and prints JSON:
// every component it recognised (type, fullName, files), the converted package.xml, and
// the error message when it refuses the source. Usage: node convert.js SOURCE_DIR OUT_DIR
"use strict";
const path = require("path");
const { ComponentSet, MetadataConverter } = require("@salesforce/source-deploy-retrieve");

async function main() {
  const [source, out] = process.argv.slice(2);
  const result = { components: [], packageXml: "", error: null };
  try {
    const set = ComponentSet.fromSource(path.resolve(source));
    for (const c of set.getSourceComponents().toArray()) {
      const files = [c.xml, ...c.walkContent()].filter(Boolean).map((f) => path.relative(source, f));
      result.components.push({ type: c.type.name, fullName: c.fullName, files: files.sort() });
      for (const child of c.getChildren()) {
        result.components.push({ type: child.type.name, fullName: child.fullName, files: [], parent: c.fullName });
      }
    }
    await new MetadataConverter().convert(set, "metadata", {
      type: "directory",
      outputDirectory: path.resolve(out),
      genUniqueDir: false,
    });
    result.packageXml = await set.getPackageXml();
  } catch (err) {
    result.error = `${err.name}: ${err.message}`;
  }
  result.components.sort((a, b) => (a.type + a.fullName).localeCompare(b.type + b.fullName));
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
}

main();
