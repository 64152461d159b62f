"""Writes a ckan.ini from config/ckan.ini.tmpl.

    python scripts/write_config.py OUTPUT [NAME=VALUE ...]

Placeholders ${NAME} are filled from NAME=VALUE arguments, then from the
environment. A placeholder left without a value is an error: a half-filled
configuration is never written.
"""
import os
import string
import sys


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[1]
    values = dict(os.environ)
    for arg in argv[2:]:
        name, _, value = arg.partition("=")
        values[name] = value
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "config", "ckan.ini.tmpl"), encoding="utf-8") as f:
        template = string.Template(f.read())
    missing = sorted({m.group("braced") for m in template.pattern.finditer(template.template)
                      if m.group("braced") and m.group("braced") not in values})
    if missing:
        sys.exit("write_config: no value for " + ", ".join(missing))
    text = template.substitute(values)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv)
