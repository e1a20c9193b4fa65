#!/usr/bin/env python3
"""png_check.py: checks that a PNG screenshot is not blank, with the
standard library only (zlib and struct): reads the IHDR and IDAT chunks,
inflates, undoes the row filters and counts distinct pixel colours.

usage: png_check.py FILE.png [MIN_COLOURS]
Prints "WIDTHxHEIGHT, N colours, M% non-background" and exits 0 when the
image has at least MIN_COLOURS colours (default 8) and more than 1% of
its pixels differ from the most common one; exits 1 otherwise.
"""
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            raise ValueError("bad CRC in chunk %r" % kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if ihdr is None or not idat:
        raise ValueError("no IHDR or IDAT chunk")
    width, height, depth, ctype, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError("unsupported PNG: depth %d, colour type %d, "
                         "interlace %d" % (depth, ctype, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError("IDAT holds %d bytes, want %d"
                         % (len(raw), height * (stride + 1)))
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xff
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xff
            elif ftype == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 0xff
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xff
            elif ftype != 0:
                raise ValueError("bad filter type %d in row %d" % (ftype, y))
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def main():
    path = sys.argv[1]
    min_colours = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    width, height, ch, rows = read_png(path)
    counts = {}
    for row in rows:
        for x in range(0, width * ch, ch):
            px = row[x:x + ch]
            counts[px] = counts.get(px, 0) + 1
    top = max(counts.values())
    other = 100.0 * (width * height - top) / (width * height)
    print("%dx%d, %d colours, %.1f%% non-background"
          % (width, height, len(counts), other))
    return 0 if len(counts) >= min_colours and other > 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
