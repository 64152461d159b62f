"""Build-time helper of docker/solr/Dockerfile (standard library only).

    python build_schema.py ckan-version REQUIREMENTS_TXT
        Print the CKAN version pinned in requirements.txt ("ckan[...]==X").
    python build_schema.py schema CKAN_SCHEMA_XML FIELDS_XML OUTPUT
        Write OUTPUT: CKAN's schema.xml with FIELDS_XML (a fragment of
        <field .../> lines) inserted before </fields>, then check the result.
"""
import re
import sys
import xml.etree.ElementTree as ET


def ckan_version(requirements_path):
    pins = []
    with open(requirements_path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*ckan(\[[^\]]*\])?\s*==\s*([0-9][^\s;#]*)", line)
            if m:
                pins.append(m.group(2))
    if len(pins) != 1:
        sys.exit(f"build_schema: expected one 'ckan==X' pin in {requirements_path}, found {pins}")
    return pins[0]


def build_schema(schema_path, fields_path, out_path):
    with open(schema_path, encoding="utf-8") as f:
        schema = f.read()
    with open(fields_path, encoding="utf-8") as f:
        fields = f.read()
    if schema.count("</fields>") != 1:
        sys.exit("build_schema: CKAN's schema.xml does not have exactly one </fields>")
    # The fragment must be well-formed on its own and hold only <field>,
    # <dynamicField> or <copyField> elements (comments are fine).
    try:
        fragment = ET.fromstring(f"<fragment>{fields}</fragment>")
    except ET.ParseError as e:
        sys.exit(f"build_schema: {fields_path} is not well-formed: {e}")
    for el in fragment:
        if el.tag not in ("field", "dynamicField"):
            sys.exit(f"build_schema: unexpected <{el.tag}> in {fields_path}")

    merged = schema.replace("</fields>", fields.rstrip() + "\n</fields>")
    root = ET.fromstring(merged.encode("utf-8"))
    names = [el.get("name") for el in root.iter("field")]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        sys.exit(f"build_schema: fields defined twice: {', '.join(dupes)}")
    types = {el.get("name") for el in root.iter("fieldType")} | \
            {el.get("name") for el in root.iter("fieldtype")}
    for el in fragment:
        if el.get("type") not in types:
            sys.exit(f"build_schema: field {el.get('name')!r} has unknown type {el.get('type')!r}")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(merged)
    print(f"build_schema: schema {root.get('name')!r} + {len(fragment)} field(s) -> {out_path}")


def main(argv):
    if len(argv) == 3 and argv[1] == "ckan-version":
        print(ckan_version(argv[2]))
    elif len(argv) == 5 and argv[1] == "schema":
        build_schema(argv[2], argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
