"""Member codes: what staff or a POS type or scan at the till to find a shopper's account.

A code is ten characters of Crockford's base32 (digits and capitals without I, L, O and
U): nine drawn at random (45 bits, not derived from any id, so codes cannot be guessed
or enumerated) and a check character. Shown grouped as ``K7QMD-2XD94``; typed in any
case, with or without spaces and dashes, with O read as 0 and I or L as 1.

The check character is Damm's over GF(32): reading a code ``c1 .. c10`` as field
elements, ``s = s * 2 + c`` (multiplying in GF(32) with the primitive polynomial
x^5 + x^2 + 1, adding by XOR) folds the whole code to 0 exactly when it is valid. Each
step is a bijection of both the running value and the character, and swapping two
adjacent characters ``x != y`` changes the result by ``(2 + 1)(x + y) != 0``, so every
single-character substitution and every adjacent transposition (the check character
included) is detected before any lookup.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})
_REDUCE = 0b100101  # x^5 + x^2 + 1


def _times_two(value: int) -> int:
    value <<= 1
    return value ^ _REDUCE if value & 0b100000 else value


def _fold(symbols: str) -> int:
    state = 0
    for symbol in symbols:
        state = _times_two(state) ^ _VALUES[symbol]
    return state


def member_code_check_character(body: str) -> str:
    """The character completing ``body`` (nine normalised characters) into a code."""
    return ALPHABET[_times_two(_fold(body))]


def member_code_generate() -> str:
    """A new random member code, normalised (ten characters, no dash)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + member_code_check_character(body)


def member_code_normalize(raw: str) -> str:
    """``raw`` as stored: capitals, no spaces or dashes, O read as 0, I and L as 1."""
    return raw.upper().translate(_READ_AS)


def member_code_is_valid(raw: str) -> bool:
    """Whether ``raw`` reads as a well-formed code whose check character matches."""
    code = member_code_normalize(raw)
    if len(code) != LENGTH or any(symbol not in _VALUES for symbol in code):
        return False
    return _fold(code) == 0


def member_code_display(code: str) -> str:
    """The code in two groups of five, as shown to people (``K7QMD-2XD94``)."""
    code = member_code_normalize(code)
    return f"{code[:5]}-{code[5:]}"
