package vessel_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// layers is the import policy of DESIGN.md, as a statement: for each package
// of the module, the packages of the module it may import. Imports point down
// only. A package missing from this list fails the test until it is placed.
var layers = map[string][]string{
	"internal/abi":          {},
	"internal/cpu":          {},
	"internal/trace":        {"internal/abi"},
	"internal/mm":           {"internal/abi", "internal/trace"},
	"internal/loader":       {"internal/abi", "internal/mm", "internal/trace"},
	"internal/vfs":          {"internal/abi", "internal/mm", "internal/trace"},
	"internal/ipc":          {"internal/abi", "internal/mm", "internal/trace"},
	"internal/kernel/sched": {"internal/abi"},
	"internal/kernel": {"internal/abi", "internal/cpu", "internal/mm", "internal/loader", "internal/vfs",
		"internal/ipc", "internal/trace", "internal/kernel/sched"},
	"internal/procfs": {"internal/abi", "internal/mm", "internal/vfs", "internal/kernel", "internal/kernel/sched", "internal/trace"},
	"internal/syscalls": {"internal/abi", "internal/cpu", "internal/mm", "internal/loader", "internal/vfs",
		"internal/ipc", "internal/trace", "internal/kernel", "internal/kernel/sched", "internal/procfs"},
	"": {"internal/abi", "internal/cpu", "internal/mm", "internal/loader", "internal/vfs", "internal/ipc",
		"internal/trace", "internal/kernel", "internal/kernel/sched", "internal/procfs", "internal/syscalls"},
	"webui":      {""},
	"cmd/vessel": {"", "webui"},
	"bench":      {"internal/trace"}, // measures the event bus it benchmarks
}

func TestImportPolicy(t *testing.T) {
	const module = "vessel"
	imports := map[string]map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			pkg = ""
		}
		if imports[pkg] == nil {
			imports[pkg] = map[string]bool{}
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p == module {
				imports[pkg][""] = true
			} else if rest, ok := strings.CutPrefix(p, module+"/"); ok {
				imports[pkg][rest] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg, ims := range imports {
		allowed, known := layers[pkg]
		if !known {
			t.Errorf("package %q is not placed in the import policy (deps_test.go layers)", module+"/"+pkg)
			continue
		}
		for im := range ims {
			if !slices.Contains(allowed, im) {
				t.Errorf("%s imports %s: against the layers of DESIGN.md", module+"/"+pkg, module+"/"+im)
			}
		}
	}
}
