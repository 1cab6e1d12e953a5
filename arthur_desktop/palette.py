"""Colours that stay readable in a light or a dark system palette (WCAG contrast ratios)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

READABLE_CONTRAST = 4.5  # WCAG AA for normal text
_LIGHTNESS_STEP = 0.04


def relative_luminance(colour: QColor) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast_ratio(first: QColor, second: QColor) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(colour: QColor) -> bool:
    return relative_luminance(colour) < 0.18


def readable_on(colour: QColor, background: QColor, minimum: float = READABLE_CONTRAST) -> QColor:
    """The same hue, made lighter on a dark background (darker on a light one) until it reads well."""
    hue, saturation, lightness, alpha = colour.hslHueF(), colour.hslSaturationF(), colour.lightnessF(), colour.alphaF()
    direction = 1 if is_dark(background) else -1
    candidate = QColor(colour)
    while contrast_ratio(candidate, background) < minimum and 0.0 < lightness < 1.0:
        lightness = min(1.0, max(0.0, lightness + direction * _LIGHTNESS_STEP))
        candidate = QColor.fromHslF(hue, saturation, lightness, alpha)
    return candidate


def text_colour(name: str) -> QColor:
    """A status colour for table text, adjusted to the application's current base (row background)."""
    return readable_on(QColor(name), QGuiApplication.palette().color(QPalette.ColorRole.Base))
