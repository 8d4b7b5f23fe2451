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
from html import escape as html_escape
import json
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter


# Lines that say nothing about what a cell does: blanks, comments, the start of a
# multi-line import, lone brackets.
NOT_MEANINGFUL = re.compile(r"^(\s*$|\s*//|\s*/?\*|import\s*\{\s*$|[\s{}()\[\];,]*$)")


def first_line(cell):
    """The first line of a cell that says what it does (not a comment or an import's `{`)."""
    lines = [line.strip() for line in cell.source.splitlines()]
    for line in lines:
        if not NOT_MEANINGFUL.match(line) and not line.startswith(("import ", "} from ")) and not line.endswith(","):
            return line[:120]
    for line in lines:
        if line:
            return line[:120]
    return ""


def section_of(nb, index):
    """The last markdown heading above a cell, e.g. `2.3 One entity's activity`."""
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type != "markdown":
            continue
        headings = [l.lstrip("#").strip() for l in cell.source.splitlines() if l.startswith("#")]
        if headings:
            return headings[-1][:120]
    return ""


def report(event):
    """One line of progress for `irbook run`, on stderr, as JSON after a marker."""
    sys.stderr.write("@irbook " + json.dumps(event) + "\n")
    sys.stderr.flush()


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


# Per-mark accessibility labels: an SVG shown as an <img> exposes none of them, and on a
# timeline of thousands of events they are most of the bytes.
MARK_LABELS = re.compile(r' (?:aria-label|aria-roledescription)="[^"]*"| role="graphics-symbol"')
GEOMETRY = re.compile(r' (d|transform)="([^"]*)"')
LONG_DECIMAL = re.compile(r"(\d+\.\d)\d+")


def compact_svg(svg):
    """The chart for the report: mark labels dropped, coordinates to a tenth of a pixel
    (only in geometry attributes: labels and titles keep their numbers as written)."""
    svg = MARK_LABELS.sub("", svg)
    return GEOMETRY.sub(lambda m: ' %s="%s"' % (m.group(1), LONG_DECIMAL.sub(r"\1", m.group(2))), svg)


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
            svg = compact_svg("".join(svg) if isinstance(svg, list) else svg)
            encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            for mime in [m for m in data if m not in ("text/plain",)]:
                del data[mime]
            data["text/html"] = '<img class="irbook-chart" alt="chart" src="data:image/svg+xml;base64,%s">' % encoded
    return report


def for_report(nb, show_code):
    """The notebook as the report shows it: without the notebook-only cells (how to run the
    notebook) and the injected-parameters cell (the header lists the parameters)."""
    report_nb = copy.deepcopy(nb)
    report_nb.cells = [c for c in report_nb.cells
                       if not set(c.get("metadata", {}).get("tags", [])) & {"notebook-only", "injected-parameters"}]
    if not show_code:
        # Code cells that showed nothing leave an empty box when their input is hidden.
        report_nb.cells = [c for c in report_nb.cells if c.cell_type != "code" or c.get("outputs")]
    return report_nb


# The report's own page: nbconvert's "lab" template inlines 550 KB of JupyterLab's theme CSS,
# most of the report's weight; the "basic" template gives the cells alone, and this styles them.
REPORT_CSS = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; font-size: 14px; line-height: 1.45;
       color: #1f2328; max-width: 1100px; margin: 16px auto; padding: 0 16px; }
.jp-Cell { margin: 0 0 12px 0; }
.jp-MarkdownCell h1, .jp-MarkdownCell h2 { border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.jp-OutputArea-output pre, .highlight pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 12px; }
.jp-RenderedText pre { white-space: pre-wrap; }
img.irbook-chart { max-width: 100%; }
.jp-InputPrompt, .jp-OutputPrompt, .anchor-link { display: none; }
"""


def report_page(body, title, show_code):
    code_css = ""
    if show_code:
        from pygments.formatters import HtmlFormatter
        code_css = HtmlFormatter().get_style_defs(".highlight")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>%s</title><style>%s%s</style></head>\n<body>\n%s\n</body></html>\n"
            % (html_escape(title), REPORT_CSS, code_css, body))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--kernel-name", required=True)
    parser.add_argument("--out-notebook", required=True)
    parser.add_argument("--out-html", required=True)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--title", default="")
    parser.add_argument("--show-code", action="store_true")
    args = parser.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    failed = {}
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    started = {}

    def on_cell_start(cell, cell_index):
        if cell.cell_type != "code":
            return
        started[cell_index] = time.monotonic()
        report({"event": "start", "index": cell_index, "n": code_cells.index(cell_index) + 1, "of": len(code_cells),
                "section": section_of(nb, cell_index), "firstLine": first_line(cell)})

    def on_cell_executed(cell, cell_index, execute_reply):
        if cell.cell_type != "code":
            return
        report({"event": "done", "index": cell_index, "seconds": round(time.monotonic() - started.get(cell_index, time.monotonic()), 1)})

    def on_cell_error(cell, cell_index, execute_reply):
        content = execute_reply.get("content", {}) if isinstance(execute_reply, dict) else {}
        ename, evalue = content.get("ename"), content.get("evalue")
        if not evalue:
            ename, evalue = error_in_outputs(cell)
        failed.update(index=cell_index, id=cell.get("id"), firstLine=first_line(cell), section=section_of(nb, cell_index),
                      ename=ename, evalue=evalue)

    client = NotebookClient(nb, kernel_name=args.kernel_name, timeout=args.timeout,
                            resources={"metadata": {"path": args.cwd}}, on_cell_error=on_cell_error,
                            on_cell_start=on_cell_start, on_cell_executed=on_cell_executed)
    outcome = {"ok": True}
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        outcome = {"ok": False, "kind": type(error).__name__, "message": str(error)[-2000:]}
        outcome.update(failed)
    finally:
        nbformat.write(nb, args.out_notebook)
        exporter = HTMLExporter(template_name="basic", exclude_input=not args.show_code,
                                exclude_input_prompt=not args.show_code, exclude_output_prompt=not args.show_code)
        body, _ = exporter.from_notebook_node(with_svg_as_images(for_report(nb, args.show_code)))
        with open(args.out_html, "w", encoding="utf-8") as f:
            f.write(report_page(body, args.title or "irbook report", args.show_code))
    print(json.dumps(outcome))
    return 0 if outcome["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
