package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dendrite-lab/dendrite/internal/iox"
	"github.com/dendrite-lab/dendrite/option"
	yaml "go.yaml.in/yaml/v3"
)

// MaxFileSize is the largest config file read (1 MiB): a config is a few
// kilobytes, and a larger file (or /dev/zero) is refused before reading it.
const MaxFileSize = 1 << 20

// maxQuoted is the length at which values quoted in error messages are cut.
const maxQuoted = 80

// quote quotes a user-supplied string for an error message, shortened.
func quote(s string) string { return iox.Quote(s, maxQuoted) }

// shorten cuts the text of a formatted value for an error message and
// escapes its control characters, so that the message stays one line
// whatever the input held (a JSON string token may decode to a newline).
func shorten(s string) string {
	s = escapeControls(s)
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

// escapeControls writes each unprintable rune of s as its Go escape (\n,
// \x00, \u2028).
func escapeControls(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsPrint(r) || r == ' ' {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

// token describes a JSON token for an error message: strings quoted, so
// that an empty or blank one is visible.
func token(tok json.Token) string {
	if s, ok := tok.(string); ok {
		return "the string " + quote(s)
	}
	return shorten(fmt.Sprint(tok))
}

// readConfigFile reads a config file of at most MaxFileSize bytes, refusing
// special files without opening them.
func readConfigFile(path string) ([]byte, error) {
	b, err := iox.ReadFile(path, "a JSON or YAML config file", MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// CheckJSON checks the syntax rules the decoder alone does not: raw must be
// exactly one JSON object with no data after it, no key may appear twice at
// any depth, every top-level key must be a config key spelled exactly (not
// in another letter case), and every number must be finite as a float64.
// Errors name the key.
func CheckJSON(raw []byte) error { return checkJSON(raw, true) }

// CheckJSONSyntax checks what CheckJSON does except the key names: one
// object, nothing after it, no duplicate keys, finite numbers. Other JSON
// formats of this module (the sweep manifest) use it.
func CheckJSONSyntax(raw []byte) error { return checkJSON(raw, false) }

func checkJSON(raw []byte, configKeys bool) error {
	// Well-formed input (the common case) takes a fast byte walk; the
	// token walk below, slow but with precise messages, explains the rest.
	if json.Valid(raw) {
		w := walker{b: raw, configKeys: configKeys}
		return w.check()
	}
	return checkTokens(raw, configKeys)
}

// checkTokens is checkJSON by the decoder's tokens.
func checkTokens(raw []byte, configKeys bool) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err == io.EOF {
		return nil // empty input: no keys
	}
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("config: want a JSON object of config keys, got %s", token(tok))
	}
	if err := checkObject(dec, "", configKeys); err != nil {
		return err
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return fmt.Errorf("config: data after the JSON object: %v", err)
		}
		return fmt.Errorf("config: data after the JSON object (%s…); want one object", token(tok))
	}
	return nil
}

// maxNesting bounds the depth of JSON values: a config nests two levels
// (lists of numbers), and the decoder's time grows with the square of the
// depth.
const maxNesting = 32

// checkObject checks an object whose '{' has been read; path names it.
func checkObject(dec *json.Decoder, path string, top bool) error {
	return checkObjectDepth(dec, path, top, 1)
}

func checkObjectDepth(dec *json.Decoder, path string, top bool, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("config key %s: nested deeper than %d levels", quote(path), maxNesting)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("config: %w", err)
		}
		key, _ := tok.(string)
		name, err := objectKey(seen, path, key, top)
		if err != nil {
			return err
		}
		if err := checkValue(dec, name, depth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// checkValue checks the next value of dec, inside depth levels; path names it.
func checkValue(dec *json.Decoder, path string, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("config key %s: %w", quote(path), err)
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			return checkObjectDepth(dec, path, false, depth+1)
		case '[':
			if depth+1 > maxNesting {
				return fmt.Errorf("config key %s: nested deeper than %d levels", quote(path), maxNesting)
			}
			for i := 0; dec.More(); i++ {
				if err := checkValue(dec, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil {
				return fmt.Errorf("config key %s: %w", quote(path), err)
			}
		}
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil || math.IsInf(f, 0) {
			return fmt.Errorf("config key %s: %s is not a finite number", quote(path), shorten(string(v)))
		}
	}
	return nil
}

// yamlToJSON converts one YAML document (a mapping) into JSON: a second
// document, a duplicate key or a non-finite number (.nan, .inf) is an error
// naming the key.
func yamlToJSON(b []byte) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var v any
	if err := dec.Decode(&v); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("yaml: a second document (after ---) follows the first; want one mapping of config keys")
	}
	if v == nil {
		v = map[string]any{}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("yaml: want a mapping of config keys, got %T", v)
	}
	for k, x := range m {
		if err := finiteYAML(k, x); err != nil {
			return nil, err
		}
	}
	j, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("yaml: %w", err)
	}
	return j, nil
}

// finiteYAML refuses NaN and infinities anywhere in v; path names v.
func finiteYAML(path string, v any) error {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("yaml: key %s: %v is not a finite number", quote(path), x)
		}
	case []any:
		for i, e := range x {
			if err := finiteYAML(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			if err := finiteYAML(path+"."+k, e); err != nil {
				return err
			}
		}
	case map[any]any:
		return fmt.Errorf("yaml: key %s: want a mapping with string keys", quote(path))
	}
	return nil
}

// chooseProfile returns the profile whose defaults a config starts from: the
// one the overrides (the command-line flags) set, else the file's. Flags and
// files thus select a profile the same way: `--profile head` and `profile:
// head` yield the same config.
func chooseProfile(fileProfile option.Profile, override func(*Config) error) (option.Profile, error) {
	if override == nil {
		return fileProfile, nil
	}
	probe := Default(fileProfile)
	probe.Profile = fileProfile
	if err := override(&probe); err != nil {
		return "", err
	}
	return probe.Profile, nil
}

// yamlError puts a YAML error on one line: the parser lists several errors
// on separate lines, each prefixed by "yaml: ".
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n", "")
	lines := strings.Split(msg, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return fmt.Errorf("yaml: %s", strings.Join(lines, "; "))
}

// walker checks well-formed JSON (json.Valid holds) for what CheckJSON
// refuses beyond syntax, in one pass over the bytes.
type walker struct {
	b          []byte
	i          int
	configKeys bool
}

func (w *walker) ws() {
	for w.i < len(w.b) && (w.b[w.i] == ' ' || w.b[w.i] == '\t' || w.b[w.i] == '\n' || w.b[w.i] == '\r') {
		w.i++
	}
}

func (w *walker) check() error {
	w.ws()
	if w.i < len(w.b) && w.b[w.i] != '{' {
		return checkTokens(w.b, w.configKeys) // not an object: rare, say it as the token walk does
	}
	if w.i == len(w.b) {
		return nil
	}
	return w.object("", w.configKeys, 1)
}

// str reads a string at w.i (its opening quote) and returns its value.
func (w *walker) str() string {
	start := w.i
	w.i++
	esc := false
	for w.b[w.i] != '"' {
		if w.b[w.i] == '\\' {
			esc = true
			w.i++
		}
		w.i++
	}
	w.i++
	// Without escapes or invalid UTF-8 the bytes are the string; otherwise
	// decode as encoding/json does (invalid bytes become U+FFFD), so that
	// both walks see the same keys.
	if raw := w.b[start+1 : w.i-1]; !esc && utf8.Valid(raw) {
		return string(raw)
	}
	var s string
	_ = json.Unmarshal(w.b[start:w.i], &s)
	return s
}

func (w *walker) object(path string, top bool, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("config key %s: nested deeper than %d levels", quote(path), maxNesting)
	}
	w.i++ // '{'
	seen := map[string]bool{}
	for {
		w.ws()
		if w.b[w.i] == '}' {
			w.i++
			return nil
		}
		if w.b[w.i] == ',' {
			w.i++
			w.ws()
		}
		name, err := objectKey(seen, path, w.str(), top)
		if err != nil {
			return err
		}
		w.ws()
		w.i++ // ':'
		if err := w.value(name, depth); err != nil {
			return err
		}
	}
}

func (w *walker) value(path string, depth int) error {
	w.ws()
	switch c := w.b[w.i]; {
	case c == '{':
		return w.object(path, false, depth+1)
	case c == '[':
		if depth+1 > maxNesting {
			return fmt.Errorf("config key %s: nested deeper than %d levels", quote(path), maxNesting)
		}
		w.i++
		for k := 0; ; k++ {
			w.ws()
			if w.b[w.i] == ']' {
				w.i++
				return nil
			}
			if w.b[w.i] == ',' {
				w.i++
			}
			if err := w.value(fmt.Sprintf("%s[%d]", path, k), depth+1); err != nil {
				return err
			}
		}
	case c == '"':
		w.str()
	case c == '-' || c >= '0' && c <= '9':
		start := w.i
		for w.i < len(w.b) && strings.IndexByte("+-0123456789.eE", w.b[w.i]) >= 0 {
			w.i++
		}
		num := string(w.b[start:w.i])
		if f, err := strconv.ParseFloat(num, 64); err != nil || math.IsInf(f, 0) {
			return fmt.Errorf("config key %s: %s is not a finite number", quote(path), shorten(num))
		}
	default: // true, false, null
		for w.i < len(w.b) && w.b[w.i] >= 'a' && w.b[w.i] <= 'z' {
			w.i++
		}
	}
	return nil
}

// keyError explains a top-level key that is not a config key.
func keyError(key string) error {
	for _, k := range Keys() {
		if strings.EqualFold(k, key) {
			return fmt.Errorf("config: key %s: want %q (keys are lower case, written exactly)", quote(key), k)
		}
	}
	return fmt.Errorf("config: unknown key %s (see `dendrite train -h` for the keys)", quote(key))
}

// objectKey checks one key of an object for both walks: no key twice, and at
// the top level only config keys (or keys of older builds). It returns the
// key's dotted path for later messages.
func objectKey(seen map[string]bool, path, key string, top bool) (string, error) {
	name := key
	if path != "" {
		name = path + "." + key
	}
	if seen[key] {
		return "", fmt.Errorf("config: key %s appears twice", quote(name))
	}
	seen[key] = true
	if _, legacy := legacyKeys[key]; top && fieldIndex(key) < 0 && !legacy {
		return "", keyError(key)
	}
	return name, nil
}
