"""Fill a .po catalogue from a {msgid: msgstr} JSON file and report what is still untranslated.

    python scripts/fill_po.py path/to/django.po translations.json
(needs `pip install polib`; a maintainer tool, not a runtime dependency)
"""

import json
import sys

import polib


def main(po_path: str, json_path: str) -> int:
    po = polib.pofile(po_path)
    translations = json.load(open(json_path, encoding="utf-8"))
    for entry in po:
        if entry.msgid in translations:
            value = translations[entry.msgid]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if not (e.msgstr or e.msgstr_plural.get(0)) and not e.obsolete]
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
