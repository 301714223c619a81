package npy

import (
	"encoding/binary"
	"fmt"
	"math"
)

// MaxElements is the largest number of elements Read accepts (1<<31).
// Larger shapes are refused before anything is allocated.
const MaxElements = 1 << 31

// supportedList names the dtypes Read understands, for error messages.
const supportedList = "<f8 <f4 <f2 <i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1 (or '>' big-endian)"

// dtype is a supported numeric element type.
type dtype struct {
	descr string           // as written in the header, e.g. "<f8"
	kind  byte             // 'f', 'i', 'u' or 'b'
	size  int              // bytes per element
	order binary.ByteOrder // byte order of multi-byte elements
}

// name returns the NumPy name of the type, e.g. "float64".
func (d dtype) name() string {
	switch d.kind {
	case 'f':
		return fmt.Sprintf("float%d", 8*d.size)
	case 'i':
		return fmt.Sprintf("int%d", 8*d.size)
	case 'u':
		return fmt.Sprintf("uint%d", 8*d.size)
	}
	return "bool"
}

// parseDtype parses a simple dtype descr such as '<f8' or '|u1'.
func parseDtype(descr string) (dtype, error) {
	bad := func(why string) (dtype, error) {
		return dtype{}, fmt.Errorf("unsupported dtype '%s' (%s), want one of %s", snippet(descr, 40), why, supportedList)
	}
	d := dtype{descr: descr, order: binary.LittleEndian}
	s := descr
	byteOrder := byte('=')
	if len(s) > 0 && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=') {
		byteOrder = s[0]
		s = s[1:]
	}
	switch s {
	case "?":
		s = "b1"
	case "b":
		s = "i1"
	case "B":
		s = "u1"
	}
	if len(s) == 0 {
		return bad("empty type")
	}
	switch s[0] {
	case 'c':
		return bad("complex numbers")
	case 'U', 'S', 'a':
		return bad("strings")
	case 'O':
		return bad("Python objects")
	case 'M', 'm':
		return bad("dates and times")
	case 'V':
		return bad("raw void data")
	}
	if len(s) != 2 {
		return bad("not a simple numeric type")
	}
	d.kind = s[0]
	d.size = int(s[1] - '0')
	switch d.kind {
	case 'f':
		if d.size != 2 && d.size != 4 && d.size != 8 {
			return bad("unsupported float size")
		}
	case 'i', 'u':
		if d.size != 1 && d.size != 2 && d.size != 4 && d.size != 8 {
			return bad("unsupported integer size")
		}
	case 'b':
		if d.size != 1 {
			return bad("unsupported bool size")
		}
	default:
		return bad("not a numeric type")
	}
	switch byteOrder {
	case '>':
		d.order = binary.BigEndian
	case '=':
		d.order = binary.NativeEndian
	case '|':
		if d.size != 1 {
			return bad("'|' byte order on a multi-byte type")
		}
	}
	return d, nil
}

// decode converts len(dst) elements from src (len(dst)*d.size bytes).
func (d dtype) decode(dst []float64, src []byte) {
	o := d.order
	switch int(d.kind)<<4 | d.size {
	case 'f'<<4 | 8:
		for i := range dst {
			dst[i] = math.Float64frombits(o.Uint64(src[8*i:]))
		}
	case 'f'<<4 | 4:
		for i := range dst {
			dst[i] = float64(math.Float32frombits(o.Uint32(src[4*i:])))
		}
	case 'f'<<4 | 2:
		for i := range dst {
			dst[i] = halfToFloat64(o.Uint16(src[2*i:]))
		}
	case 'i'<<4 | 8:
		for i := range dst {
			dst[i] = float64(int64(o.Uint64(src[8*i:])))
		}
	case 'i'<<4 | 4:
		for i := range dst {
			dst[i] = float64(int32(o.Uint32(src[4*i:])))
		}
	case 'i'<<4 | 2:
		for i := range dst {
			dst[i] = float64(int16(o.Uint16(src[2*i:])))
		}
	case 'i'<<4 | 1:
		for i := range dst {
			dst[i] = float64(int8(src[i]))
		}
	case 'u'<<4 | 8:
		for i := range dst {
			dst[i] = float64(o.Uint64(src[8*i:]))
		}
	case 'u'<<4 | 4:
		for i := range dst {
			dst[i] = float64(o.Uint32(src[4*i:]))
		}
	case 'u'<<4 | 2:
		for i := range dst {
			dst[i] = float64(o.Uint16(src[2*i:]))
		}
	case 'u'<<4 | 1:
		for i := range dst {
			dst[i] = float64(src[i])
		}
	case 'b'<<4 | 1:
		for i := range dst {
			if src[i] != 0 {
				dst[i] = 1
			} else {
				dst[i] = 0
			}
		}
	default:
		panic("npy: unreachable dtype " + d.descr)
	}
}

// halfToFloat64 converts an IEEE 754 binary16 value.
func halfToFloat64(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1024+frac, exp-25)
}
