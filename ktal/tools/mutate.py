#!/usr/bin/env python3
"""mutate.py - make malformed KTAL objects from valid ones, for the corpus.

usage: mutate.py IN OUT OP ARGS... [; OP ARGS...]

Operations (numbers may be hex with 0x):
  truncate N                 keep the first N bytes of the file
  ehdr OFF SIZE VALUE        write VALUE (SIZE bytes, little-endian) at OFF
  phdr I FIELD VALUE         set a program header field: type flags offset
                             vaddr filesz memsz
  sec-size NAME VALUE        set a section's size (sec-size NAME +N / -N)
  sec-off NAME VALUE         set a section's file offset (@OTHER: the
                             offset of section OTHER)
  sec-append NAME N [BYTE]   move section NAME to the end of the file with
                             N more bytes (BYTE, default 0) after it
  rename NAME NEW            rename a section (NEW no longer than NAME)
  hdr WORD VALUE             set word WORD of .ktal.hdr as written (offsets
                             and addresses in pages); re-encoded at the end
                             of the file
  impname K NAME             set the K-th import name (.ktal.impnames,
                             re-encoded at the end of the file)
  byte NAME OFF VALUE        set byte OFF of section NAME
  uv NAME K VALUE            set the K-th LEB128 number of section NAME;
                             the new encoding must fit the old length
                             (it is padded with 0x80 continuation bytes)
  data OFF VALUE             set byte OFF of the data segment
  code OFF HEX               overwrite code bytes at OFF
  extract-code               write 'C' + the code (a fuzzing seed)
  dump                       print each section's LEB128 numbers (the
                             import names as strings)
"""
import struct, sys

PAGE_SHIFT = 12  # KTAL_PAGE_SHIFT: header offsets and addresses are pages


def num(s):
    return int(s, 0)


class Obj:
    def __init__(self, b):
        self.b = bytearray(b)

    def shdrs(self):
        shoff, = struct.unpack_from('<Q', self.b, 40)
        shnum, shstr = struct.unpack_from('<HH', self.b, 60)
        stroff, = struct.unpack_from('<Q', self.b, shoff + 64 * shstr + 24)
        out = {}
        for i in range(shnum):
            base = shoff + 64 * i
            name, = struct.unpack_from('<I', self.b, base)
            end = self.b.index(0, stroff + name)
            out[self.b[stroff + name:end].decode()] = base
        return out

    def sec(self, name):
        base = self.shdrs()[name]
        off, size = struct.unpack_from('<QQ', self.b, base + 24)
        return base, off, size

    def hdr_words(self):
        _, off, size = self.sec('.ktal.hdr')
        return [v for _, _, v in varints(self.b, off, size)]

    def hdr_word(self, w):
        return self.hdr_words()[w]

    def code(self):
        """(file offset, size) of the code, in bytes."""
        return self.hdr_word(1) << PAGE_SHIFT, self.hdr_word(2)

    def data_off(self):
        return self.hdr_word(4) << PAGE_SHIFT

    def set_sec(self, name, content):
        """Give section NAME new contents, at the end of the file."""
        base, _, _ = self.sec(name)
        struct.pack_into('<QQ', self.b, base + 24, len(self.b), len(content))
        self.b += content

    def set_hdr(self, words):
        """Re-encode the header at the end of the file."""
        enc = bytearray()
        for v in words:
            while True:
                c = v & 0x7f
                v >>= 7
                enc.append(c | (0x80 if v else 0))
                if not v:
                    break
        self.set_sec('.ktal.hdr', enc)

    def impnames(self):
        """The import names, in import order (the NUL-terminated strings
        of .ktal.impnames)."""
        _, off, size = self.sec('.ktal.impnames')
        return [bytes(n) for n in self.b[off:off + size].split(b'\0')[:-1]]

    def set_impnames(self, names):
        self.set_sec('.ktal.impnames', b''.join(n + b'\0' for n in names))

    def rt_page_off(self):
        """File offset of the runtime page (the PT_LOAD at its address)."""
        va = self.hdr_word(7) << PAGE_SHIFT
        phoff, = struct.unpack_from('<Q', self.b, 32)
        phnum, = struct.unpack_from('<H', self.b, 56)
        for i in range(phnum):
            typ, _, off, vaddr = struct.unpack_from('<IIQQ', self.b, phoff + 56 * i)
            if typ == 1 and vaddr == va:
                return off
        raise SystemExit('mutate: no runtime page segment')


def varints(b, off, size):
    """(start, length, value) of each LEB128 number in b[off:off+size]."""
    out, i = [], off
    while i < off + size:
        s, v, sh = i, 0, 0
        while True:
            c = b[i]
            i += 1
            v |= (c & 0x7f) << sh
            sh += 7
            if not c & 0x80 or i >= off + size:
                break
        out.append((s, i - s, v))
    return out


def apply(o, op, a):
    b = o.b
    if op == 'truncate':
        del b[num(a[0]):]
    elif op == 'ehdr':
        b[num(a[0]):num(a[0]) + num(a[1])] = num(a[2]).to_bytes(num(a[1]), 'little', signed=num(a[2]) < 0)
    elif op == 'phdr':
        fields = {'type': (0, 'I'), 'flags': (4, 'I'), 'offset': (8, 'Q'), 'vaddr': (16, 'Q'),
                  'filesz': (32, 'Q'), 'memsz': (40, 'Q')}
        phoff, = struct.unpack_from('<Q', b, 32)
        f, fmt = fields[a[1]]
        struct.pack_into('<' + fmt, b, phoff + 56 * num(a[0]) + f, num(a[2]))
    elif op == 'sec-append':
        _, off, size = o.sec(a[0])
        fill = num(a[2]) if len(a) > 2 else 0
        o.set_sec(a[0], bytes(b[off:off + size]) + bytes([fill]) * num(a[1]))
    elif op in ('sec-size', 'sec-off'):
        base, off, size = o.sec(a[0])
        cur = size if op == 'sec-size' else off
        if a[1][0] == '@':
            v = o.sec(a[1][1:])[1]
        else:
            v = cur + num(a[1]) if a[1][0] in '+-' else num(a[1])
        struct.pack_into('<Q', b, base + (32 if op == 'sec-size' else 24), v)
    elif op == 'rename':
        shoff, = struct.unpack_from('<Q', b, 40)
        shstr, = struct.unpack_from('<H', b, 62)
        stroff, = struct.unpack_from('<Q', b, shoff + 64 * shstr + 24)
        name, = struct.unpack_from('<I', b, o.shdrs()[a[0]])
        new = a[1].encode()
        assert len(new) <= len(a[0])
        b[stroff + name:stroff + name + len(a[0])] = new + b'\0' * (len(a[0]) - len(new))
    elif op == 'hdr':
        w = o.hdr_words()
        w[num(a[0])] = num(a[1]) & (2**64 - 1)
        o.set_hdr(w)
    elif op == 'impname':
        names = o.impnames()
        names[num(a[0])] = a[1].encode()
        o.set_impnames(names)
    elif op == 'byte':
        _, off, _ = o.sec(a[0])
        b[off + num(a[1])] = num(a[2])
    elif op == 'uv':
        _, off, size = o.sec(a[0])
        s, n, _ = varints(b, off, size)[num(a[1])]
        v, enc = num(a[2]), []
        while True:
            enc.append(v & 0x7f)
            v >>= 7
            if not v:
                break
        if len(enc) > n:
            sys.exit('mutate: value does not fit in %d bytes' % n)
        enc += [0] * (n - len(enc))
        for i in range(n - 1):
            enc[i] |= 0x80
        b[s:s + n] = bytes(enc)
    elif op == 'data':
        b[o.data_off() + num(a[0])] = num(a[1])
    elif op == 'code':
        off = o.code()[0] + num(a[0])
        h = bytes.fromhex(a[1])
        b[off:off + len(h)] = h
    elif op == 'extract-code':
        off, size = o.code()
        o.b = bytearray(b'C' + b[off:off + size])
    elif op == 'dump':
        for name in sorted(o.shdrs()):
            if name == '.ktal.impnames':
                print(name, [n.decode(errors='replace') for n in o.impnames()])
            elif name.startswith('.ktal.') and name != '.ktal.hdr':
                _, off, size = o.sec(name)
                print(name, [v for _, _, v in varints(b, off, size)])
        print('.ktal.hdr', o.hdr_words())
    else:
        sys.exit('mutate: unknown operation ' + op)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    o = Obj(open(sys.argv[1], 'rb').read())
    ops, cur = [], []
    for w in sys.argv[3:]:
        if w == ';':
            ops.append(cur)
            cur = []
        else:
            cur.append(w)
    ops.append(cur)
    for op in ops:
        apply(o, op[0], op[1:])
    if ops[-1][0] != 'dump':
        open(sys.argv[2], 'wb').write(o.b)


if __name__ == '__main__':
    main()
