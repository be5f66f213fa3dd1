"""Stage 3: run an audience's Jinja2 template over the shaped brief, giving Markdown.

Templates are shared between institutions, so they run in Jinja's immutable sandbox
and receive plain data only (the shaped brief, the style, the audience's name and a
`label` function); brief text is passed as data and never evaluated as template code.
Errors point to the template file and line.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import Problem, TemplateError, display_path
from .select import Shaped, first_sentence
from .style import Style


def _cell(text: object) -> str:
    """Brief text inside a Markdown table cell: one line, pipes escaped."""
    return re.sub(r"\s*\n\s*", " ", str(text)).replace("|", r"\|").strip()


def _oneline(text: object) -> str:
    return re.sub(r"\s*\n\s*", " ", str(text)).strip()


def _environment(roots: tuple[Path, ...]) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(r) for r in roots]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(cell=_cell, oneline=_oneline, first_sentence=lambda text: first_sentence(str(text)))
    return env


def _labeller(style: Style):
    """`label('name')` for templates: a plain function, not a bound method of the style."""

    def label(name: str) -> str:
        return style.label(str(name))

    return label


def _template_problem(err: Exception) -> Problem:
    if isinstance(err, jinja2.TemplateSyntaxError):
        return Problem(
            display_path(err.filename or err.name or "template"), err.lineno, None, "", err.message or str(err)
        )
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename.endswith(".j2"):
            return Problem(display_path(frame.filename), frame.lineno, None, "", _explain(err))
    return Problem("template", None, None, "", _explain(err))


def _explain(err: Exception) -> str:
    if isinstance(err, jinja2.UndefinedError):
        return f"undefined variable or attribute: {err.message}"
    if isinstance(err, jinja2.TemplateNotFound):
        return f"template not found: {err.name}"
    return f"{type(err).__name__}: {err}"


def render_markdown(
    template: str, roots: tuple[Path, ...], brief: Shaped, style: Style, audience: str, **context: object
) -> str:
    """`context` adds plain data a template may use, e.g. the email template's `attachments`."""
    env = _environment(roots)
    try:
        tmpl = env.get_template(template)
        return tmpl.render(context, brief=brief, style=style, audience=audience, label=_labeller(style))
    except jinja2.TemplateError as err:
        raise TemplateError(_template_problem(err)) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, ZeroDivisionError) as err:
        raise TemplateError(_template_problem(err)) from None
