package loader

import (
	"strings"
	"testing"
)

func TestParseShebang(t *testing.T) {
	long := "/" + strings.Repeat("x", 300)
	tests := []struct {
		name, head  string
		interp, arg string
		ok          bool
	}{
		{"plain", "#!/bin/sh\necho hi\n", "/bin/sh", "", true},
		{"argument", "#!/bin/sh -e\n", "/bin/sh", "-e", true},
		{"blanks around", "#! \t/usr/bin/env \t python3 -u  \t\nprint()\n", "/usr/bin/env", "python3 -u", true},
		{"one argument with spaces", "#!/usr/bin/awk -f -v x=1\n", "/usr/bin/awk", "-f -v x=1", true},
		{"carriage return is not a blank", "#!/bin/sh\r\n", "/bin/sh\r", "", true},
		{"argument keeps carriage return", "#!/bin/sh -e\r\n", "/bin/sh", "-e\r", true},
		{"no newline, end of file", "#!/bin/sh", "/bin/sh", "", true},
		{"no newline, argument, end of file", "#!/bin/sh -x", "/bin/sh", "-x", true},
		{"NUL ends the line", "#!/bin/sh\x00 -x\n", "/bin/sh", "", true},
		{"NUL ends the argument", "#!/bin/sh -x\x00y\n", "/bin/sh", "-x", true},
		{"trailing blanks only", "#!/bin/sh   \n", "/bin/sh", "", true},
		{"not a script", "\x7fELF", "", "", false},
		{"one byte", "#", "", "", false},
		{"empty", "", "", "", false},
		{"no interpreter", "#!\n", "", "", false},
		{"only blanks", "#!   \t \n", "", "", false},
		{"only blanks, no newline", "#!" + strings.Repeat(" ", 300), "", "", false},
		{"interpreter cut", "#!" + long, "", "", false},
		{"interpreter cut, newline later", "#!" + long + "\n", "", "", false},
		{"argument cut", "#!/bin/sh " + long + "\n", "/bin/sh", ("/bin/sh " + long)[8 : HeadSize-3], true},
		{"line of exactly the buffer", "#!/bin/sh " + strings.Repeat("a", HeadSize-10), "/bin/sh", strings.Repeat("a", HeadSize-11), true},
		{"newline at the last byte", "#!/bin/sh " + strings.Repeat("a", HeadSize-11) + "\n", "/bin/sh", strings.Repeat("a", HeadSize-11), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			interp, arg, ok := ParseShebang([]byte(tc.head))
			if interp != tc.interp || arg != tc.arg || ok != tc.ok {
				t.Errorf("ParseShebang(%q) = %q, %q, %v; want %q, %q, %v", tc.head, interp, arg, ok, tc.interp, tc.arg, tc.ok)
			}
		})
	}
}
