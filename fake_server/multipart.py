"""Reading ``multipart/form-data`` bodies with python-multipart (the parser Starlette uses).

The fake's REST layer is framework-independent, so it parses uploads itself from the
raw body; python-multipart does the parsing, this module only collects the parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.multipart import MultipartParser, parse_options_header

from fake_server.errors import bad_request


@dataclass
class Part:
    name: str
    filename: str | None = None
    content_type: str | None = None
    data: bytearray = field(default_factory=bytearray)


def parse_multipart(content_type: str, body: bytes) -> list[Part]:
    """The parts of a multipart body; a 400 for anything that is not one."""
    media_type, options = parse_options_header(content_type)
    if media_type != b"multipart/form-data":
        raise bad_request("Expected a multipart/form-data body")
    boundary = options.get(b"boundary")
    if not boundary:
        raise bad_request("The multipart body has no boundary")
    parts: list[Part] = []
    headers: dict[bytes, bytes] = {}
    header_field = bytearray()
    header_value = bytearray()
    current: Part | None = None

    def on_part_begin() -> None:
        headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        nonlocal current
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        part_type = headers.get(b"content-type")
        current = Part(
            name=name,
            filename=filename.decode("utf-8", "replace") if filename is not None else None,
            content_type=part_type.decode("latin-1") if part_type else None,
        )
        parts.append(current)

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if current is not None:
            current.data.extend(data[start:end])

    parser = MultipartParser(
        boundary,
        callbacks={
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except Exception as exc:  # python-multipart raises its own error types for bad bodies
        raise bad_request(f"Malformed multipart body: {exc}") from None
    return parts
