package iox

import (
	"bytes"
	"io"
	"sync"
)

// PrefixWriter starts every line written through it with Prefix, so that
// several runs can share one terminal or log. Each Write should hold whole
// lines (progress writers write one line at a time). When Mu is set, writes
// of every PrefixWriter sharing it are serialised.
type PrefixWriter struct {
	W      io.Writer
	Prefix string
	Mu     *sync.Mutex
}

// Write writes b with Prefix before each of its lines and reports len(b).
func (p *PrefixWriter) Write(b []byte) (int, error) {
	var out []byte
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) > 0 {
			out = append(append(out, p.Prefix...), line...)
		}
	}
	if p.Mu != nil {
		p.Mu.Lock()
		defer p.Mu.Unlock()
	}
	_, err := p.W.Write(out)
	return len(b), err
}
