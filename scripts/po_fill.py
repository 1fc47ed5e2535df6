"""Fill msgstr in a .po file from a JSON/py mapping {msgid: msgstr}. Usage: pofill.py file.po map.py"""
import re, sys, ast
po, mp = sys.argv[1], sys.argv[2]
mapping = ast.literal_eval(open(mp).read())
text = open(po).read()
blocks = text.split("\n\n")
out = []
missing = []
def unq(lines):
    return "".join(ast.literal_eval(l) for l in lines)
for b in blocks:
    lines = b.split("\n")
    try:
        i = next(k for k, l in enumerate(lines) if l.startswith("msgid "))
    except StopIteration:
        out.append(b); continue
    j = next(k for k, l in enumerate(lines) if l.startswith("msgstr ") or l.startswith("msgid_plural"))
    mid = unq([lines[i][6:]] + lines[i+1:j])
    if mid == "":
        b = b.replace('"Language: \\n"', '"Language: zh_Hans\\n"').replace('"Content-Type: text/plain; charset=CHARSET\\n"','"Content-Type: text/plain; charset=UTF-8\\n"')
        out.append(b); continue
    lines = [l for l in lines if l != "#, fuzzy" and not l.startswith("#| ")]
    lines = [re.sub(r"^#, fuzzy, ", "#, ", l) for l in lines]
    if mid in mapping:
        k = next(k for k, l in enumerate(lines) if l.startswith("msgstr"))
        if lines[k].startswith("msgstr["):
            # plural: single form for Chinese
            end = len(lines)
            lines = lines[:k] + ['msgstr[0] ' + '"' + mapping[mid].replace('"', '\\"') + '"']
        else:
            lines = lines[:k] + ['msgstr ' + '"' + mapping[mid].replace('"', '\\"').replace("\n", "\\n") + '"']
    else:
        k = next(k for k, l in enumerate(lines) if l.startswith("msgstr"))
        cur = unq([lines[k].split(" ",1)[1]] + lines[k+1:])
        if not cur: missing.append(mid)
    out.append("\n".join(lines))
open(po, "w").write("\n\n".join(out))
print("missing:", len(missing))
for m in missing: print("  ", repr(m))
