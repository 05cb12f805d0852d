"""The constructs a report may use: both renderers (Quarto and the fallback) render them the
same way. :func:`unsupported_constructs` names every other construct in a .qmd, by line, so
a test can hold the report (and the test fixture) to :data:`ALLOWED_CONSTRUCTS`.
"""

import re

from models.report.render.conditions import OPENING as CONDITION
from models.report.render.errors import RenderError
from models.report.render.kernel import KERNEL_NAME
from models.report.render.qmd import cell_options, parse_front_matter

ALLOWED_CONSTRUCTS: tuple[str, ...] = (
    f"YAML front matter with jupyter: {KERNEL_NAME}; title, subtitle, author, date (or "
    "today), abstract, lang, toc, toc-depth, number-sections, execute (echo, warning), "
    "format: html options",
    "```{python} code cells; #| options: label, echo, include, output (true/false/asis), "
    "warning, tags, fig-cap, fig-alt, tbl-cap",
    "a parameters cell: #| tags: [parameters] with str defaults",
    "figure cells: #| label: fig-xxx with #| fig-cap and #| fig-alt (one matplotlib figure)",
    "table cells: #| label: tbl-xxx with #| tbl-cap, displaying "
    "IPython.display.Markdown(df.to_markdown(index=False)) (or an HTML table)",
    "cross-references @fig-xxx, @tbl-xxx, @sec-xxx (to labels defined in the report)",
    "section ids: ## Heading {#sec-xxx}",
    "callouts ::: {.callout-note|warning|important|tip|caution} with optional title=\"...\" "
    "or a ## heading as first line, and collapse=\"true\" to fold the body under the title",
    "conditional content ::: {.content-hidden|content-visible when-meta|unless-meta=\"key\"} "
    "around markdown and code cells (keys passed as metadata; the fallback resolves them in "
    "the source text)",
    "inline expressions `{python} expr` (str values are inserted as text)",
    "LaTeX math $...$ and $$...$$",
    "Markdown output from cells (IPython.display.Markdown, or print with #| output: asis)",
    "plain Pandoc markdown: headings, lists, emphasis, links, footnotes, pipe tables",
)

ALLOWED_CELL_OPTIONS = frozenset({
    "label", "echo", "include", "output", "warning", "tags", "fig-cap", "fig-alt", "tbl-cap",
})
CALLOUT_TYPES = ("note", "warning", "important", "tip", "caution")

_CHUNK_OPEN = re.compile(r"^(`{3,})\s*\{([^}]*)\}")
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^:{3,}\s*(\{.*\}|[\w-]+)\s*$")
_DIV_CLOSE = re.compile(r"^:{3,}\s*$")
_INLINE_CODE = re.compile(r"`[^`]*`")
_INLINE_OTHER_LANG = re.compile(r"`\{(?!python\})(\w+)\}")
_SHORTCODE = re.compile(r"\{\{<.*?>\}\}")
_EXTERNAL_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?(?:https?:)?//")
_EXTERNAL_TAG = re.compile(
    r"<(?:img|script|link|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*[\"']?"
    r"(?:https?:)?//",
    re.IGNORECASE,
)
_REFERENCE = re.compile(r"(?<![\w.@])@([A-Za-z][\w:-]*[\w])")
_SECTION_ID = re.compile(r"\{[^}]*#(sec-[\w-]+)[^}]*\}")
_OTHER_ID = re.compile(r"\{[^}]*#((?:fig|tbl|eq|lst|thm)-[\w-]+)[^}]*\}")


def unsupported_constructs(qmd_text: str) -> list[str]:
    """Problems that would make the fallback render differ from Quarto (empty = fine).

    Each message names the line and the construct: chunks in other languages (R, OJS, ...),
    shortcodes, tabsets and layout divs, unknown cell options, code cells inside ``:::``
    blocks, external images or scripts, citations and cross-references that do not resolve.
    The report may use only :data:`ALLOWED_CONSTRUCTS`.
    """
    problems: list[str] = []
    labels: set[str] = set()
    references: list[tuple[int, str]] = []
    lines = qmd_text.splitlines()
    number = _skip_front_matter(lines)
    problems += _check_front_matter(lines[:number])
    divs: list[str] = []
    while number < len(lines):
        line = lines[number]
        opened = _CHUNK_OPEN.match(line) or _FENCE.match(line)
        if opened:
            body_end = _fence_end(lines, number, opened.group(1))
            if opened.re is _CHUNK_OPEN:
                problems += _check_chunk(
                    number + 1, opened.group(2), lines[number + 1:body_end],
                    divs.count("callout"), labels
                )
            number = body_end + 1
            continue
        div_problem = _check_div_line(line, divs)
        if div_problem:
            problems.append(f"line {number + 1}: {div_problem}")
        problems += [f"line {number + 1}: {p}" for p in _check_markdown_line(line)]
        labels.update(_SECTION_ID.findall(line))
        references += [(number + 1, ref) for ref in _REFERENCE.findall(_INLINE_CODE.sub("", line))]
        number += 1
    problems += _check_references(references, labels)
    return problems


def _skip_front_matter(lines: list[str]) -> int:
    """Index of the first line after the YAML front matter (0 if there is none)."""
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return index + 1
    return 0


def _check_front_matter(lines: list[str]) -> list[str]:
    """The front matter must name the project kernel, so Quarto never picks another one."""
    try:
        front_matter = parse_front_matter("\n".join(lines))
    except RenderError as exc:
        return [f"front matter: {exc}"]
    if front_matter.get("jupyter") != KERNEL_NAME:
        return [f"front matter: needs 'jupyter: {KERNEL_NAME}' (the project kernel)"]
    return []


def _fence_end(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing the code fence opened at ``start`` (or the last line)."""
    closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for index in range(start + 1, len(lines)):
        if closing.match(lines[index]):
            return index
    return len(lines)


def _check_chunk(
    line_number: int, header: str, body: list[str], div_depth: int, labels: set[str]
) -> list[str]:
    """Problems with one executable chunk; records its label in ``labels``."""
    where = f"line {line_number}"
    language = header.strip().split(None, 1)[0].lstrip(".").lower() if header.strip() else ""
    if language.startswith("="):  # a raw block such as ```{=html}: check its URLs only
        return [f"{where}: {p}" for line in body for p in _check_markdown_line(line)]
    if language != "python":
        return [f"{where}: ```{{{language}}} chunk (only ```{{python}} cells render on both paths)"]
    problems = []
    if div_depth > 0:
        problems.append(f"{where}: code cell inside a ::: block (the fallback splits it)")
    try:
        options, _ = cell_options("\n".join(body))
    except RenderError as exc:
        return [*problems, f"{where}: {exc}"]
    unknown = sorted(set(options) - ALLOWED_CELL_OPTIONS)
    if unknown:
        problems.append(f"{where}: unsupported cell option(s) {', '.join(unknown)}")
    label = str(options.get("label", ""))
    labels.add(label)
    if "fig-cap" in options and not label.startswith("fig-"):
        problems.append(f"{where}: fig-cap needs '#| label: fig-...'")
    if "tbl-cap" in options and not label.startswith("tbl-"):
        problems.append(f"{where}: tbl-cap needs '#| label: tbl-...'")
    if options.get("output") not in (None, True, False, "asis"):
        problems.append(f"{where}: output must be true, false or asis")
    if options.get("echo") not in (None, True, False):
        problems.append(f"{where}: echo must be true or false")
    return problems


def _check_div_line(line: str, divs: list[str]) -> str | None:
    """Track ``:::`` nesting in ``divs`` (each open div's kind: "callout", "condition" or
    "other"); only callouts and conditional content are allowed."""
    if _DIV_CLOSE.match(line):
        if divs:
            divs.pop()
        return None
    opened = _DIV_OPEN.match(line)
    if not opened:
        return None
    attributes = opened.group(1)
    if CONDITION.match(line):
        divs.append("condition")
        return None
    classes = re.findall(r"(?:^|[\s{])\.?([\w-]+)", attributes.strip("{}"))
    callouts = {f"callout-{kind}" for kind in CALLOUT_TYPES}
    if not any(cls in callouts for cls in classes):
        divs.append("other")
        return f"::: {attributes} block (only callouts and conditional content are supported)"
    divs.append("callout")
    return None


def _check_markdown_line(line: str) -> list[str]:
    """Problems inside one markdown line (outside code chunks)."""
    problems = []
    if _SHORTCODE.search(line):
        problems.append("{{< >}} shortcode (Quarto-only)")
    other = _INLINE_OTHER_LANG.search(line)
    if other:
        problems.append(f"inline `{{{other.group(1)}}}` expression (only `{{python}}`)")
    if _EXTERNAL_IMAGE.search(line) or _EXTERNAL_TAG.search(line):
        problems.append("external URL for an image/script/style (the report must be offline)")
    other_id = _OTHER_ID.search(line)
    if other_id:
        problems.append(
            f"{{#{other_id.group(1)}}} in markdown (figure/table labels come from code cells)"
        )
    if re.search(r"\{[^}]*\.(?:panel-tabset|tabset|column-[\w-]+)[^}]*\}", line):
        problems.append("tabset/column layout (Quarto-only)")
    return problems


def _check_references(references: list[tuple[int, str]], labels: set[str]) -> list[str]:
    """Cross-references must point at defined labels; other @citations are unsupported."""
    problems = []
    for line_number, reference in references:
        prefix = reference.split("-", 1)[0]
        if prefix in ("fig", "tbl", "sec"):
            if reference not in labels:
                problems.append(f"line {line_number}: @{reference} has no matching label")
        else:
            problems.append(
                f"line {line_number}: @{reference} (citations and other cross-reference "
                "types are not supported; write references as text)"
            )
    return problems
