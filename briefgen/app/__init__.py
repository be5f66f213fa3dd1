"""What briefgen does, without a terminal: the commands' work, reporting to a `Reporter`.

One module per command family, as mkdocs' `commands/` and pandoc's `Text.Pandoc.App`:
`load` (finding briefs and their bibliographies), `plan` (what is up to date, what to make),
`build` (making and writing sets), `check`, `watch`, `mail`, `templates` (audiences and
workspaces). They never print: every message is an event (`events`) handed to the reporter
the caller gives, and the caller decides the exit code from what they return.
"""
