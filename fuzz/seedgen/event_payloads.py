"""Seeds of the event_decode target: for each schema in schemas/events/, two payloads that
follow it (every property present, the first or second choice of each enum and oneOf), as
`<type>\n<version>\n<payload>`. The Rust seed generator checks that each one decodes.

    python3 fuzz/seedgen/event_payloads.py fuzz/corpus/event_decode
"""

import glob
import json
import os
import re
import sys

SCHEMAS = os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "events")


def sample(s, root, depth=0, variant=0):
    if "$ref" in s:
        return sample(root["$defs"][s["$ref"].split("/")[-1]], root, depth + 1, variant)
    if "const" in s:
        return s["const"]
    if "enum" in s:
        return s["enum"][variant % len(s["enum"])]
    for key in ("oneOf", "anyOf"):
        if key in s:
            options = [o for o in s[key] if o.get("type") != "null"] or s[key]
            return sample(options[variant % len(options)], root, depth + 1, variant)
    t = s.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"][0]
    if t == "object" or "properties" in s:
        return {k: sample(v, root, depth + 1, variant) for k, v in s.get("properties", {}).items()}
    if t == "array":
        if "prefixItems" in s:
            return [sample(i, root, depth + 1, variant) for i in s["prefixItems"]]
        n = max(s.get("minItems", 1), 1)
        return [sample(s.get("items", {}), root, depth + 1, variant + i) for i in range(n)]
    if t == "string":
        f, p = s.get("format"), s.get("pattern", "")
        if f == "uuid":
            return "0190a0a0-0000-7000-8000-%012x" % (depth * 7 + variant + 1)
        if f == "date":
            return "2026-03-05"
        if f == "date-time":
            return "2026-03-05T01:02:03.123456Z"
        if "H[12]" in p:
            return "2026-H1"
        return "召开党风廉政建设专题会议"
    if t == "integer":
        return max(s.get("minimum", 1), 1)
    if t == "number":
        return 1.5
    if t == "boolean":
        return True
    return None


def main(out):
    os.makedirs(out, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(SCHEMAS, "*.json"))):
        m = re.match(r"(\w+)\.v(\d+)\.json$", os.path.basename(path))
        if not m:
            continue
        root = json.load(open(path, encoding="utf-8"))
        for variant, suffix in ((0, ""), (1, "-alt")):
            payload = json.dumps(sample(root, root, 0, variant), ensure_ascii=False)
            name = "%s.v%s%s" % (m.group(1), m.group(2), suffix)
            with open(os.path.join(out, name), "w", encoding="utf-8") as f:
                f.write("%s\n%s\n%s" % (m.group(1), m.group(2), payload))


if __name__ == "__main__":
    main(sys.argv[1])
