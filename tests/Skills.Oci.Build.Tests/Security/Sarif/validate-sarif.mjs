// Validates a SARIF file against the SARIF 2.1.0 schema (draft-04) that @microsoft/jest-sarif ships.
// Prints one JSON line: {"valid": true} or {"valid": false, "errors": [...]}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
const log = JSON.parse(readFileSync(process.argv[2], "utf8"));
// The schema's language pattern is not valid with the "u" flag; it is checked as plain JavaScript regex.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const valid = validate(log);
console.log(JSON.stringify({ valid, errors: valid ? [] : validate.errors.map(e => `${e.instancePath} ${e.message}`) }));
