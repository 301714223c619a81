package docs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// codeLink is a link to a Go declaration: [`pkg.Name`](../dir/file.go) or
// [`pkg.Recv.Method`](../dir/file.go).
var codeLink = regexp.MustCompile("\\[`([A-Za-z0-9_.]+)`\\]\\((\\.\\./[^)#]+\\.go)\\)")

// mdLink is a link to a Markdown file of this folder, with an optional anchor.
var mdLink = regexp.MustCompile(`\]\(((?:[a-z0-9-]+\.md)?)(#[^)]*)?\)`)

func documents(t *testing.T) map[string]string {
	t.Helper()
	names, err := filepath.Glob("*.md")
	if err != nil || len(names) == 0 {
		t.Fatalf("no Markdown files in docs/: %v", err)
	}
	docs := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		docs[n] = string(b)
	}
	return docs
}

// declared reports whether file declares name: a function, a method of recv
// (recv != ""), or a type.
func declared(t *testing.T, file, recv, name string) bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name != name {
				continue
			}
			got := ""
			if d.Recv != nil && len(d.Recv.List) == 1 {
				typ := d.Recv.List[0].Type
				if s, ok := typ.(*ast.StarExpr); ok {
					typ = s.X
				}
				if id, ok := typ.(*ast.Ident); ok {
					got = id.Name
				}
			}
			if got == recv {
				return true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok && recv == "" && ts.Name.Name == name {
					return true
				}
			}
		}
	}
	return false
}

// TestCodeLinks checks that every link from a document to Go code names a
// declaration of the linked file, in the linked file's package: after code
// moves, the test names each link to update.
func TestCodeLinks(t *testing.T) {
	n := 0
	for doc, text := range documents(t) {
		for _, m := range codeLink.FindAllStringSubmatch(text, -1) {
			n++
			name, file := m[1], filepath.FromSlash(m[2])
			parts := strings.Split(name, ".")
			if len(parts) < 2 || len(parts) > 3 {
				t.Errorf("%s: link %q: want pkg.Name or pkg.Recv.Method", doc, name)
				continue
			}
			if _, err := os.Stat(file); err != nil {
				t.Errorf("%s: link %q: %v", doc, name, err)
				continue
			}
			if pkg := filepath.Base(filepath.Dir(file)); pkg != parts[0] {
				t.Errorf("%s: link %q points into package %s", doc, name, pkg)
				continue
			}
			recv := ""
			if len(parts) == 3 {
				recv = parts[1]
			}
			if !declared(t, file, recv, parts[len(parts)-1]) {
				t.Errorf("%s: link %q: %s declares no such function, method or type", doc, name, m[2])
			}
		}
	}
	if n < 50 {
		t.Errorf("found %d code links in docs/*.md, want model.md's (at least 50): is the link pattern still right?", n)
	}
}

// anchor is GitHub's anchor of a Markdown heading.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestAnchor(t *testing.T) {
	for in, want := range map[string]string{
		"Output neurons and teaching": "output-neurons-and-teaching",
		"Why `none` is the default":   "why-none-is-the-default",
		"Speed (`dendrite bench`)":    "speed-dendrite-bench",
	} {
		if got := anchor(in); got != want {
			t.Errorf("anchor(%q) = %q, want %q", in, got, want)
		}
	}
}

// headings returns the anchors of every document's headings.
func headings(docs map[string]string) map[string]map[string]bool {
	anchors := map[string]map[string]bool{}
	for doc, text := range docs {
		anchors[doc] = map[string]bool{}
		inCode := false
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "```") {
				inCode = !inCode
			}
			if !inCode && strings.HasPrefix(line, "#") {
				anchors[doc][anchor(strings.TrimLeft(line, "#"))] = true
			}
		}
	}
	return anchors
}

// repoPointer is a pointer into docs/ from anywhere in the repository (a
// comment, a help string, the README): docs/model.md or docs/model.md#<section>.
var repoPointer = regexp.MustCompile(`docs/([a-z0-9-]+\.md)(#[a-z0-9_-]+)?`)

// TestSectionLinks checks that every link between the documents (and within
// one) reaches an existing file and heading.
func TestSectionLinks(t *testing.T) {
	docs := documents(t)
	anchors := headings(docs)
	for doc, text := range docs {
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			target, frag := m[1], strings.TrimPrefix(m[2], "#")
			if target == "" && frag == "" {
				continue
			}
			if target == "" {
				target = doc
			}
			a, ok := anchors[target]
			if !ok {
				t.Errorf("%s: link to %s: no such document in docs/", doc, target)
				continue
			}
			if frag != "" && !a[frag] {
				t.Errorf("%s: link to %s#%s: no such heading", doc, target, frag)
			}
		}
	}
}

// TestNoOutsideDocuments checks that no file of the repository sends its
// reader to a document outside it (the help strings come from config's
// comments, so they are covered). Tests may name the golden data they read
// from beside the repository; nothing else may.
//
// It also checks every pointer into docs/ (docs/model.md#<section>) it finds.
func TestNoOutsideDocuments(t *testing.T) {
	anchors := headings(documents(t))
	// Assembled so that this file does not match itself.
	bad := []string{"spec " + "§", "shared" + "/spec", "shared" + "/notes", "the " + "spec's", "(spec" + ")"}
	badNonTest := append([]string{"shared" + "/"}, bad...)
	root := ".."
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") && name != ".ci" || name == "testdata" || name == "results") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(name)
		if ext != ".go" && ext != ".md" && ext != ".yaml" && ext != ".sh" && name != "run" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		list := badNonTest
		if strings.HasSuffix(name, "_test.go") {
			list = bad
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range repoPointer.FindAllStringSubmatch(line, -1) {
				a, ok := anchors[m[1]]
				if frag := strings.TrimPrefix(m[2], "#"); !ok || frag != "" && !a[frag] {
					t.Errorf("%s:%d points to %s, which docs/ does not have", path, i+1, m[0])
				}
			}
			for _, s := range list {
				if strings.Contains(line, s) {
					t.Errorf("%s:%d refers to a document outside the repository (%q): point into docs/ instead", path, i+1, s)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
