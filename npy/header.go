package npy

import (
	"fmt"
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of Python literals in a header.
const maxDepth = 16

// pyValue is a parsed Python literal: string, bool, nil (None), int64,
// []pyValue (tuple or list) or *pyDict.
type pyValue any

// pyTuple marks a tuple (as opposed to a list).
type pyTuple []pyValue

// pyList is a Python list.
type pyList []pyValue

// pyDict is a Python dict with string keys, keeping insertion order.
type pyDict struct {
	keys []string
	vals map[string]pyValue
}

// literalParser is a tiny recursive-descent parser for the subset of Python
// literal syntax that numpy writes in .npy headers.
type literalParser struct {
	s   string
	pos int
}

func (p *literalParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *literalParser) errorf(format string, args ...any) error {
	return fmt.Errorf("header: at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *literalParser) value(depth int) (pyValue, error) {
	if depth > maxDepth {
		return nil, p.errorf("nesting deeper than %d", maxDepth)
	}
	p.skipSpace()
	if p.pos >= len(p.s) {
		return nil, p.errorf("unexpected end of header, want a value")
	}
	c := p.s[p.pos]
	switch {
	case c == '\'' || c == '"':
		return p.str()
	case c == '(':
		p.pos++
		items, tupleComma, err := p.seq(')', depth)
		if err != nil {
			return nil, err
		}
		if len(items) == 1 && !tupleComma {
			return items[0], nil // parenthesised expression
		}
		return pyTuple(items), nil
	case c == '[':
		p.pos++
		items, _, err := p.seq(']', depth)
		if err != nil {
			return nil, err
		}
		return pyList(items), nil
	case c == '{':
		p.pos++
		return p.dict(depth)
	case c == '-' || c == '+' || (c >= '0' && c <= '9'):
		return p.integer()
	default:
		start := p.pos
		for p.pos < len(p.s) && isIdent(p.s[p.pos]) {
			p.pos++
		}
		switch p.s[start:p.pos] {
		case "True":
			return true, nil
		case "False":
			return false, nil
		case "None":
			return nil, nil
		}
		p.pos = start
		return nil, p.errorf("unexpected %q, want a Python literal", snippet(p.s[start:], 20))
	}
}

func isIdent(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (p *literalParser) str() (string, error) {
	q := p.s[p.pos]
	p.pos++
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\' && p.pos+1 < len(p.s):
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
		case c == '\n':
			return "", p.errorf("newline inside string")
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *literalParser) integer() (int64, error) {
	start := p.pos
	if p.s[p.pos] == '-' || p.s[p.pos] == '+' {
		p.pos++
	}
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	text := p.s[start:p.pos]
	// Python 2 wrote long integers with an L suffix: (3L, 4L).
	if p.pos < len(p.s) && (p.s[p.pos] == 'L' || p.s[p.pos] == 'l') {
		p.pos++
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		p.pos = start
		return 0, p.errorf("bad integer %q", snippet(text, 30))
	}
	return v, nil
}

// seq parses comma-separated values up to the closing byte. tupleComma reports
// whether a comma was seen, which distinguishes (3,) from (3).
func (p *literalParser) seq(closing byte, depth int) (items []pyValue, tupleComma bool, err error) {
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, false, p.errorf("unexpected end of header, want %q", closing)
		}
		if p.s[p.pos] == closing {
			p.pos++
			return items, tupleComma, nil
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, false, err
		}
		items = append(items, v)
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, false, p.errorf("unexpected end of header, want %q", closing)
		}
		switch p.s[p.pos] {
		case ',':
			tupleComma = true
			p.pos++
		case closing:
		default:
			return nil, false, p.errorf("unexpected %q, want ',' or %q", p.s[p.pos], closing)
		}
	}
}

func (p *literalParser) dict(depth int) (*pyDict, error) {
	d := &pyDict{vals: map[string]pyValue{}}
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, p.errorf("unexpected end of header, want '}'")
		}
		if p.s[p.pos] == '}' {
			p.pos++
			return d, nil
		}
		if c := p.s[p.pos]; c != '\'' && c != '"' {
			return nil, p.errorf("dict key must be a string, found %q", snippet(p.s[p.pos:], 20))
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.errorf("want ':' after dict key %q", k)
		}
		p.pos++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, dup := d.vals[k]; !dup {
			d.keys = append(d.keys, k)
		}
		d.vals[k] = v
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, p.errorf("unexpected end of header, want '}'")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
		default:
			return nil, p.errorf("unexpected %q in dict, want ',' or '}'", p.s[p.pos])
		}
	}
}

// snippet shortens s for error messages.
func snippet(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// header is the validated content of a .npy header.
type header struct {
	dt      dtype
	fortran bool
	shape   []int
	count   int // product of shape
}

// parseHeader parses and validates the header dict text.
func parseHeader(text string) (*header, error) {
	p := &literalParser{s: text}
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != '{' {
		return nil, fmt.Errorf("header is not a dict: %q", snippet(text, 80))
	}
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	d, ok := v.(*pyDict)
	if !ok {
		return nil, fmt.Errorf("header is not a dict: %q", snippet(text, 80))
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return nil, p.errorf("trailing text after header dict: %q", snippet(p.s[p.pos:], 40))
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if _, ok := d.vals[k]; !ok {
			return nil, fmt.Errorf("header dict has no %q key (keys: %q), want 'descr', 'fortran_order' and 'shape'", k, d.keys)
		}
	}
	h := &header{}
	descr, ok := d.vals["descr"].(string)
	if !ok {
		return nil, fmt.Errorf("unsupported dtype %s: structured dtypes are not supported, want one of %s", formatPy(d.vals["descr"]), supportedList)
	}
	if h.dt, err = parseDtype(descr); err != nil {
		return nil, err
	}
	if h.fortran, ok = d.vals["fortran_order"].(bool); !ok {
		return nil, fmt.Errorf("header 'fortran_order' is %s, want True or False", formatPy(d.vals["fortran_order"]))
	}
	tup, ok := d.vals["shape"].(pyTuple)
	if !ok {
		return nil, fmt.Errorf("header 'shape' is %s, want a tuple of non-negative integers", formatPy(d.vals["shape"]))
	}
	h.shape = make([]int, len(tup))
	for i, e := range tup {
		n, ok := e.(int64)
		if !ok || n < 0 {
			return nil, fmt.Errorf("header 'shape' is %s, want a tuple of non-negative integers", formatPy(d.vals["shape"]))
		}
		if n > MaxElements {
			return nil, fmt.Errorf("header 'shape' %s has %d elements along axis %d, more than the limit %d", formatPy(d.vals["shape"]), n, i, MaxElements)
		}
		h.shape[i] = int(n)
	}
	if h.count, err = checkedLen(h.shape); err != nil {
		return nil, err
	}
	return h, nil
}

// formatPy renders a parsed literal roughly as Python would.
func formatPy(v pyValue) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case string:
		return "'" + v + "'"
	case int64:
		return strconv.FormatInt(v, 10)
	case pyTuple:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = formatPy(e)
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case pyList:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = formatPy(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *pyDict:
		parts := make([]string, len(v.keys))
		for i, k := range v.keys {
			parts[i] = "'" + k + "': " + formatPy(v.vals[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// formatShape renders a shape as a Python tuple: (), (3,), (500, 784).
func formatShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = strconv.Itoa(n)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// checkedLen returns the product of shape, refusing negative dimensions,
// overflow and products above MaxElements.
func checkedLen(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %s has a negative dimension", formatShape(shape))
		}
	}
	for _, d := range shape {
		if d == 0 {
			return 0, nil
		}
	}
	for _, d := range shape {
		if d > MaxElements || n > MaxElements/d {
			return 0, fmt.Errorf("shape %s has more than %d elements (the product overflows or exceeds the limit)", formatShape(shape), MaxElements)
		}
		n *= d
	}
	return n, nil
}
