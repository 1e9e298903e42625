"""Checks one executed notebook: valid nbformat, every code cell ran, and no cell shows an error
unless it is tagged `raises-exception`. Prints one line; exit status 0 when the notebook is clean.
Usage: check_executed.py EXECUTED.ipynb"""
import sys
import nbformat


def main(path):
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # a missing or invalid notebook is one clear failure, not a stack
        print(f"{path}: not a valid executed notebook ({type(e).__name__}: {e})")
        return 1
    problems = []
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code" or not c.source.strip():
            continue
        allowed = "raises-exception" in c.metadata.get("tags", [])
        if c.get("execution_count") is None:
            problems.append(f"cell {i} did not run")
        for o in c.get("outputs", []):
            if o.get("output_type") == "error" and not allowed:
                problems.append(f"cell {i} raised {o.get('ename')}: {o.get('evalue', '')[:200]}")
    if problems:
        print(f"{path}: " + "; ".join(problems))
        return 1
    print(f"{path}: {sum(1 for c in nb.cells if c.cell_type == 'code')} code cells ran without errors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
