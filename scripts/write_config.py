"""Writes a CKAN configuration from a template (config/ckan.ini.tmpl unless
--template names another, such as config/test.ini.tmpl).

    python scripts/write_config.py [--template FILE] OUTPUT [NAME=VALUE ...]

Placeholders ${NAME} are filled from NAME=VALUE arguments, then from the
environment. A placeholder left without a value is an error: a half-filled
configuration is never written.
"""
import os
import string
import sys


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    template_path = os.path.join(root, "config", "ckan.ini.tmpl")
    if len(argv) > 2 and argv[1] == "--template":
        template_path = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[1]
    values = dict(os.environ)
    for arg in argv[2:]:
        name, _, value = arg.partition("=")
        values[name] = value
    with open(template_path, encoding="utf-8") as f:
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
