"""The explorer's "Render this view": a report of the current settings written through
:func:`shieldgap.render.render` (the path of ``shieldgap render``), one sub-folder per view so that
rendering another view never overwrites an earlier one's files. Mixed into
:class:`shieldgap.explore.Explorer`, whose ``current_params()`` gives the view's overrides."""
from __future__ import annotations

import time
from html import escape
from pathlib import Path

import ipywidgets as w

FORMAT_CHOICES = (("HTML", "html"), ("HTML + PDF", "html,pdf"))


class RenderView:
    """The render controls (format, folder, button, status) and what the button does."""

    def _build_render(self) -> None:
        from .paths import reports_dir

        self.render_format = w.Dropdown(options=list(FORMAT_CHOICES), value="html", description="Format")
        self.render_dir = w.Text(value=str(reports_dir() / "explore"), description="Directory",
                                 tooltip="Where to write each view's report.html (and report.pdf), in a sub-folder per "
                                         "view; a relative path is taken from the project root",
                                 layout=w.Layout(width="95%"))
        self.render_button = w.Button(description="Render this view", icon="file", button_style="primary",
                                      tooltip="Write a report with these settings (as `shieldgap render`)")
        self.render_status = w.HTML()
        self.render_button.on_click(self._on_render)

    def _render_dir(self) -> Path:
        """The folder given, with one sub-folder per view (named by a hash of its overrides): rendering
        another view never overwrites the files of an earlier one."""
        import hashlib
        import json

        from .paths import project_root

        path = Path(self.render_dir.value.strip() or ".").expanduser()
        path = path if path.is_absolute() else project_root() / path
        overrides = json.dumps(self.current_params(), sort_keys=True, default=str)
        return path / ("view-" + hashlib.sha256(overrides.encode()).hexdigest()[:10])

    def _on_render(self, _button=None) -> None:
        from .render import render

        self.render_button.disabled = True
        self.render_status.value = "<i>Rendering… (the report notebook runs in its own kernel)</i>"
        t0 = time.perf_counter()
        try:
            params = self.current_params()
            result = render(params, formats=self.render_format.value.split(","), out_dir=self._render_dir(),
                            log=lambda _msg: None)
        except Exception as exc:  # ParameterError, RenderError, OSError, ...
            self.last_render = None
            self.render_message = f"Not rendered: {exc}"
            self.render_status.value = (f'<span style="color:#b03a2e"><b>Not rendered:</b> '
                                        f'{escape(str(exc))}</span>')
        else:
            self.last_render = result
            paths = [str(p) for p in result["paths"]]
            self.render_message = "Wrote " + ", ".join(paths)
            shown = "".join(f"<li><code>{escape(p)}</code></li>" for p in paths)
            self.render_status.value = (f"Wrote in {time.perf_counter() - t0:.0f} s, with overrides "
                                        f"<code>{escape(repr(params))}</code>:<ul>{shown}</ul>")
        finally:
            self.render_button.disabled = False
