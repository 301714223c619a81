package iox

import (
	"bytes"
	"sync"
	"testing"
)

func TestPrefixWriter(t *testing.T) {
	var b bytes.Buffer
	var mu sync.Mutex
	p := &PrefixWriter{W: &b, Prefix: "[a] ", Mu: &mu}
	n, err := p.Write([]byte("one\ntwo\n"))
	if err != nil || n != 8 {
		t.Fatalf("n %d err %v", n, err)
	}
	p.Write([]byte("three"))
	if got, want := b.String(), "[a] one\n[a] two\n[a] three"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Writers sharing a mutex never interleave inside a line.
	b.Reset()
	var wg sync.WaitGroup
	for _, pre := range []string{"x: ", "y: "} {
		w := &PrefixWriter{W: &b, Prefix: pre, Mu: &mu}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				w.Write([]byte("line\n"))
			}
		}()
	}
	wg.Wait()
	for _, l := range bytes.Split(bytes.TrimSuffix(b.Bytes(), []byte("\n")), []byte("\n")) {
		if s := string(l); s != "x: line" && s != "y: line" {
			t.Fatalf("interleaved line %q", s)
		}
	}
}
