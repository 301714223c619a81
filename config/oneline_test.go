package config

import (
	"strings"
	"testing"
)

// A refused config gets a one-line error whatever its tokens decode to
// (found by the sweep manifest's fuzz target: a string token holding a
// newline was printed raw).
func TestSyntaxErrorIsOneLine(t *testing.T) {
	for _, in := range []string{
		`"\n"`, `"\n" x`, `["\u2028"]`, `{} "\n"`, `{} "\r\n`, `{"epochs": 1} "a\tb" 1`, "\"\x00\"",
	} {
		err := CheckJSONSyntax([]byte(in))
		if err == nil {
			t.Errorf("%q: accepted", in)
			continue
		}
		if msg := err.Error(); strings.ContainsAny(msg, "\n\r\t\x00\u2028") {
			t.Errorf("%q: error has control characters: %q", in, msg)
		}
	}
	err := CheckJSONSyntax([]byte(`"\n" x`))
	if err == nil || !strings.Contains(err.Error(), `got the string "\n"`) {
		t.Errorf("want the token quoted, got %v", err)
	}
}
