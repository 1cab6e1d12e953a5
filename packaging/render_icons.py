"""Renders the app icon (resources/icons/arthur-desktop.svg) to the PNG sizes a desktop's icon theme wants.

    python packaging/render_icons.py OUT_FOLDER     -> OUT_FOLDER/<size>.png for each size in SIZES

Run by scripts/package.sh with its build venv's PySide6, so no image tool is needed on the build machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SVG = Path(__file__).resolve().parents[1] / "resources" / "icons" / "arthur-desktop.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int, path: Path) -> None:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(path), "PNG"):
        raise SystemExit(f"render_icons: cannot write {path}")


def main(out: Path) -> int:
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {SVG} is not a valid SVG")
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        render(renderer, size, out / f"{size}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
