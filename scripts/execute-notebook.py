#!/usr/bin/env python3
"""Execute a notebook headless with nbclient and write it back plus an HTML report.

Called by `irbook run` (lib/jupyter/run-notebook.ts), which prepares the notebook (injected
parameters) and the kernel spec. Prints one JSON line on stdout with the outcome; the executed
notebook and the HTML are written even when a cell fails, because a half-run investigation is
still a record of what was seen.
"""
import argparse
import base64
import copy
import json
import re
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter


def first_line(cell):
    for line in cell.source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def error_in_outputs(cell):
    """tslab reports an exception as a stack trace on stderr, with no ename/evalue in its
    reply: take the `SomeError: message` line from it."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename"), output.get("evalue")
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            for line in output.get("text", "").splitlines():
                match = re.match(r"^((?:[A-Za-z_$][\w$]*?)?(?:Error|Exception))(?: \[[^\]]*\])?: (.*)$", line.strip())
                if match:
                    return match.group(1), match.group(2)
            lines = output.get("text", "").strip().splitlines()
            return "Error", (lines[-1] if lines else None)
    return None, None


def with_svg_as_images(nb):
    """A copy whose SVG outputs are <img> data URIs: nbconvert's HTML export sanitizes inline
    SVG down to its text, which would leave every chart blank in the report."""
    report = copy.deepcopy(nb)
    for cell in report.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            svg = data.get("image/svg+xml")
            if svg is None:
                continue
            svg = "".join(svg) if isinstance(svg, list) else svg
            encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            for mime in [m for m in data if m not in ("text/plain",)]:
                del data[mime]
            data["text/html"] = '<img class="irbook-chart" alt="chart" src="data:image/svg+xml;base64,%s">' % encoded
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--kernel-name", required=True)
    parser.add_argument("--out-notebook", required=True)
    parser.add_argument("--out-html", required=True)
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    failed = {}

    def on_cell_error(cell, cell_index, execute_reply):
        content = execute_reply.get("content", {}) if isinstance(execute_reply, dict) else {}
        ename, evalue = content.get("ename"), content.get("evalue")
        if not evalue:
            ename, evalue = error_in_outputs(cell)
        failed.update(index=cell_index, id=cell.get("id"), firstLine=first_line(cell), ename=ename, evalue=evalue)

    client = NotebookClient(nb, kernel_name=args.kernel_name, timeout=args.timeout,
                            resources={"metadata": {"path": args.cwd}}, on_cell_error=on_cell_error)
    outcome = {"ok": True}
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        outcome = {"ok": False, "kind": type(error).__name__, "message": str(error)[-2000:]}
        outcome.update(failed)
    finally:
        nbformat.write(nb, args.out_notebook)
        body, _ = HTMLExporter(template_name="lab").from_notebook_node(with_svg_as_images(nb))
        with open(args.out_html, "w", encoding="utf-8") as f:
            f.write(body)
    print(json.dumps(outcome))
    return 0 if outcome["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
