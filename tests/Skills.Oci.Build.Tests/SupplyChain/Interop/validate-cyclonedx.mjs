// Validates a CycloneDX JSON document with the CycloneDX library's own JSON schema validator, and
// parses every component's purl with packageurl-js. Prints one JSON line: {"valid": bool, "errors": …, "purls": […]}.
import { readFileSync } from 'node:fs';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';

const [, , path, version = '1.6'] = process.argv;
const text = readFileSync(path, 'utf8');
const validator = new Validation.JsonStrictValidator(version === '1.6' ? Spec.Version.v1dot6 : version);
let errors = null;
try {
  errors = await validator.validate(text);
} catch (e) {
  errors = String(e);
}
const purls = [];
for (const component of JSON.parse(text).components ?? []) {
  if (component.purl) {
    const purl = PackageURL.fromString(component.purl);
    purls.push({ type: purl.type, name: purl.name, version: purl.version, qualifiers: purl.qualifiers ?? null });
  }
}
console.log(JSON.stringify({ valid: errors === null, errors, purls }));
