// Command pecheck reads a Windows executable's header and resources with debug/pe and checks
// what the release promises: a PE32+ (amd64) GUI-subsystem program whose resources hold an
// icon group and version information with the given version in its strings.
//
//	go run ./.ci/pecheck dist/pkcedesk-0.1.0-windows-amd64.exe 0.1.0 1
package main

import (
	"debug/pe"
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"unicode/utf16"
)

const (
	rtGroupIcon = 14
	rtVersion   = 16
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: pecheck FILE.exe VERSION BUILD")
		os.Exit(2)
	}
	if err := check(os.Args[1], os.Args[2]+"."+os.Args[3]); err != nil {
		fmt.Fprintf(os.Stderr, "pecheck: %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	fmt.Printf("pecheck: %s: PE32+ GUI program, icon and version %s.%s in its resources\n", os.Args[1], os.Args[2], os.Args[3])
}

func check(path, version string) error {
	f, err := pe.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		return fmt.Errorf("not a PE32+ amd64 program")
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		return fmt.Errorf("subsystem %d, want the GUI subsystem (%d)", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	rsrc := f.Section(".rsrc")
	if rsrc == nil {
		return fmt.Errorf("no .rsrc section: no icon or version information")
	}
	data, err := rsrc.Data()
	if err != nil {
		return err
	}
	found := map[uint32][]byte{}
	for _, typ := range []uint32{rtGroupIcon, rtVersion} {
		b, err := firstResource(data, rsrc.VirtualAddress, typ)
		if err != nil {
			return fmt.Errorf("resource type %d: %w", typ, err)
		}
		found[typ] = b
	}
	text := utf16String(found[rtVersion])
	for _, want := range []string{"CompanyName", "ProductName", "PKCE Desk", "FileVersion", "ProductVersion", version} {
		if !strings.Contains(text, want) {
			return fmt.Errorf("version information lacks %q", want)
		}
	}
	return nil
}

// firstResource walks the resource tree (type, name, language: three directory levels, see
// the PE format's .rsrc section) and returns the data of the first entry of the given type.
func firstResource(data []byte, base uint32, typ uint32) ([]byte, error) {
	off := uint32(0)
	for level := 0; level < 3; level++ {
		entry, err := pickEntry(data, off, typ, level == 0)
		if err != nil {
			return nil, err
		}
		if entry&0x80000000 == 0 { // a data entry
			if level != 2 {
				return nil, fmt.Errorf("malformed resource tree")
			}
			return dataEntry(data, entry, base)
		}
		off = entry &^ 0x80000000
	}
	entry, err := pickEntry(data, off, 0, false)
	if err != nil {
		return nil, err
	}
	return dataEntry(data, entry, base)
}

func pickEntry(data []byte, dir uint32, id uint32, match bool) (uint32, error) {
	if int(dir)+16 > len(data) {
		return 0, fmt.Errorf("directory out of range")
	}
	named := binary.LittleEndian.Uint16(data[dir+12:])
	ids := binary.LittleEndian.Uint16(data[dir+14:])
	for i := uint32(0); i < uint32(named)+uint32(ids); i++ {
		e := dir + 16 + 8*i
		if int(e)+8 > len(data) {
			return 0, fmt.Errorf("entry out of range")
		}
		name := binary.LittleEndian.Uint32(data[e:])
		if !match || name == id {
			return binary.LittleEndian.Uint32(data[e+4:]), nil
		}
	}
	return 0, fmt.Errorf("not present")
}

func dataEntry(data []byte, off, base uint32) ([]byte, error) {
	if int(off)+16 > len(data) {
		return nil, fmt.Errorf("data entry out of range")
	}
	rva := binary.LittleEndian.Uint32(data[off:])
	size := binary.LittleEndian.Uint32(data[off+4:])
	start := rva - base
	if rva < base || int(start)+int(size) > len(data) {
		return nil, fmt.Errorf("data out of range")
	}
	return data[start : start+size], nil
}

func utf16String(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
