"""Key names and combinations as the Orgo ``key`` endpoint accepts them.

Both the documented names (``Enter``, ``ctrl+c``, ``alt+Tab``) and the X11 keysyms the
official SDK sends (``Return``, ``Page_Down``) are accepted, case-insensitively, and
normalised to keysyms so the desktop reacts to one spelling.
"""

from __future__ import annotations

from dataclasses import dataclass

MODIFIERS = {
    "ctrl": "ctrl",
    "control": "ctrl",
    "control_l": "ctrl",
    "control_r": "ctrl",
    "alt": "alt",
    "alt_l": "alt",
    "alt_r": "alt",
    "option": "alt",
    "shift": "shift",
    "shift_l": "shift",
    "shift_r": "shift",
    "super": "super",
    "super_l": "super",
    "super_r": "super",
    "win": "super",
    "meta": "super",
    "cmd": "super",
    "command": "super",
}

_KEYSYMS = {
    "return": "Return",
    "enter": "Return",
    "kp_enter": "Return",
    "tab": "Tab",
    "escape": "Escape",
    "esc": "Escape",
    "backspace": "BackSpace",
    "delete": "Delete",
    "del": "Delete",
    "insert": "Insert",
    "space": "space",
    "home": "Home",
    "end": "End",
    "page_up": "Page_Up",
    "pageup": "Page_Up",
    "prior": "Page_Up",
    "page_down": "Page_Down",
    "pagedown": "Page_Down",
    "next": "Page_Down",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "arrowup": "Up",
    "arrowdown": "Down",
    "arrowleft": "Left",
    "arrowright": "Right",
    "caps_lock": "Caps_Lock",
    "capslock": "Caps_Lock",
    "print": "Print",
    "menu": "Menu",
    "minus": "minus",
    "plus": "plus",
    "equal": "equal",
    "comma": "comma",
    "period": "period",
    "slash": "slash",
    "backslash": "backslash",
    "semicolon": "semicolon",
}
_KEYSYMS.update({f"f{n}": f"F{n}" for n in range(1, 25)})

PRINTABLE_KEYSYMS = {
    "space": " ",
    "minus": "-",
    "plus": "+",
    "equal": "=",
    "comma": ",",
    "period": ".",
    "slash": "/",
    "backslash": "\\",
    "semicolon": ";",
}


class UnknownKey(ValueError):
    pass


@dataclass(frozen=True)
class KeyCombo:
    modifiers: frozenset[str]
    key: str  # an X11 keysym, or a single character

    @property
    def text(self) -> str | None:
        """The character this combination types, if it types one."""
        if self.modifiers - {"shift"}:
            return None
        char = PRINTABLE_KEYSYMS.get(self.key, self.key if len(self.key) == 1 else None)
        if char is None:
            return None
        return char.upper() if "shift" in self.modifiers else char

    def is_(self, *modifiers: str, key: str) -> bool:
        return self.modifiers == frozenset(modifiers) and self.key.lower() == key.lower()


def parse_combo(spec: str) -> KeyCombo:
    """``"ctrl+shift+t"`` -> KeyCombo({ctrl, shift}, "t"); raises UnknownKey."""
    if spec == "+":
        return KeyCombo(frozenset(), "+")
    parts = [p.strip() for p in spec.split("+")]
    if any(not p for p in parts):
        raise UnknownKey(f"Invalid key combination: {spec!r}")
    modifiers: set[str] = set()
    for part in parts[:-1]:
        modifier = MODIFIERS.get(part.lower())
        if modifier is None:
            raise UnknownKey(f"Unknown modifier {part!r} in {spec!r}")
        modifiers.add(modifier)
    last = parts[-1]
    if len(parts) > 1 and last.lower() in MODIFIERS:
        return KeyCombo(frozenset(modifiers | {MODIFIERS[last.lower()]}), MODIFIERS[last.lower()])
    if last.lower() in MODIFIERS:
        return KeyCombo(frozenset(), MODIFIERS[last.lower()])
    if len(last) == 1 and last.isprintable():
        return KeyCombo(frozenset(modifiers), last.lower() if modifiers - {"shift"} else last)
    keysym = _KEYSYMS.get(last.lower())
    if keysym is None:
        raise UnknownKey(f"Unknown key: {last!r}")
    return KeyCombo(frozenset(modifiers), keysym)
