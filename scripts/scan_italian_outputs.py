"""Scan stored outputs of the Italian notebooks for English words and decimal points.

Baseline measurement for issue 21, item 1 (not yet a test: the notebooks still leak).
Usage: python scripts/scan_italian_outputs.py [--lang it|en]
"""
import json, re, sys, pathlib

ENGLISH = set("""the and of with without for from this that these those is are was were be been has have had
not but which when where while what who how why than then there their they them it its into onto over under
between after before during each every all any some most more less only also very same other such both
mean means std standard deviation error width depth layer layers training train test loss accuracy epoch epochs
step steps run runs seed seeds dead alive fraction rate final initial init default uniform normal sample samples
value values result results time seconds total count ratio gradient gradients norm input output hidden units
unit network model best worst median min max ok passed failed yes no true false per across within above below
first last left right top bottom plot figure shows shown measured expected observed difference average""".split())
ALLOWED = {"relu", "leaky", "selu", "gelu", "elu", "silu", "tanh", "sigmoid", "sgd", "adam", "momentum", "batch",
           "seed", "dropout", "lecun", "kaiming", "xavier", "he", "glorot", "nn", "torch", "true", "false",
           # words that are also Italian (or accepted in Italian) and must not count
           "per", "no", "test", "standard", "min", "max", "input", "output", "ok", "e", "a"}
WORD = re.compile(r"[A-Za-z]+")
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")


def outputs_text(cell):
    for out in cell.get("outputs", []):
        if "text" in out:
            yield "".join(out["text"])
        for mime in ("text/plain", "text/html", "text/markdown"):
            data = out.get("data", {}).get(mime)
            if data:
                yield re.sub(r"<[^>]+>", " ", "".join(data))


def scan(path):
    nb = json.loads(path.read_text())
    eng, dec = [], []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for text in outputs_text(cell):
            for line in text.splitlines():
                words = {w.lower() for w in WORD.findall(line)}
                if (words & ENGLISH) - ALLOWED:
                    eng.append(line)
                if DECIMAL.search(line):
                    dec.append(line)
    return eng, dec


if __name__ == "__main__":
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "it"
    te = td = 0
    for p in sorted(pathlib.Path("book", lang).glob("*.ipynb")):
        e, d = scan(p)
        te += len(e); td += len(d)
        print(f"{p.name:40s} english-word lines {len(e):4d}  decimal-point lines {len(d):4d}")
    print(f"{'TOTAL':40s} english-word lines {te:4d}  decimal-point lines {td:4d}")
