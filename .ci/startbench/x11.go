package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// xconn is the little of the X11 core protocol the benchmark needs (X Window System
// Protocol, X Consortium Standard, X11R7.7): listen for MapNotify on the root window's
// children and read a window's WM_NAME and geometry. A window is "mapped" the moment the
// server sends MapNotify, which the benchmark timestamps as it reads it; polling with
// `xdotool search --sync` would add up to its half-second poll interval instead.
type xconn struct {
	conn net.Conn
	root uint32

	mu      sync.Mutex
	seq     uint16
	pending map[uint16]chan []byte // replies by request sequence number

	maps chan mapEvent
	errs chan error
}

// mapEvent is one MapNotify: which window, and when the benchmark read it.
type mapEvent struct {
	Window uint32
	At     time.Time
}

const (
	opChangeWindowAttributes = 2
	opGetGeometry            = 14
	opGetProperty            = 20
	opGetImage               = 73

	cwEventMask             = 1 << 11
	eventSubstructureNotify = 1 << 19
	evMapNotify             = 19
	atomWMName              = 39 // predefined atom WM_NAME
)

// dialX connects to display ":N" over its local socket. Xvfb started without -auth accepts
// local clients without authorisation, so the connection setup carries none.
func dialX(display string) (*xconn, error) {
	num := strings.TrimPrefix(display, ":")
	num, _, _ = strings.Cut(num, ".")
	conn, err := net.Dial("unix", "/tmp/.X11-unix/X"+num)
	if err != nil {
		return nil, err
	}
	// Connection setup: little-endian byte order, protocol 11.0, no authorisation.
	setup := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := conn.Write(setup); err != nil {
		conn.Close()
		return nil, err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(conn, head); err != nil {
		conn.Close()
		return nil, err
	}
	body := make([]byte, int(binary.LittleEndian.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(conn, body); err != nil {
		conn.Close()
		return nil, err
	}
	if head[0] != 1 {
		conn.Close()
		reason := body
		if n := int(head[1]); n <= len(body) {
			reason = body[:n]
		}
		return nil, fmt.Errorf("the X server refused the connection: %s", reason)
	}
	root, err := rootFromSetup(body)
	if err != nil {
		conn.Close()
		return nil, err
	}
	x := &xconn{conn: conn, root: root, pending: map[uint16]chan []byte{},
		maps: make(chan mapEvent, 64), errs: make(chan error, 1)}
	go x.read()
	// Every child of the root that gets mapped is reported to us.
	x.send(opChangeWindowAttributes, 0, u32(root), u32(cwEventMask), u32(eventSubstructureNotify))
	return x, nil
}

// rootFromSetup finds the first screen's root window in the setup reply's body.
func rootFromSetup(body []byte) (uint32, error) {
	if len(body) < 32 {
		return 0, errors.New("short X setup reply")
	}
	vendorLen := int(binary.LittleEndian.Uint16(body[16:]))
	formats := int(body[21])
	off := 32 + (vendorLen+3)&^3 + 8*formats
	if len(body) < off+4 || body[20] == 0 {
		return 0, errors.New("the X setup reply has no screen")
	}
	return binary.LittleEndian.Uint32(body[off:]), nil
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// send writes one request and returns its sequence number.
func (x *xconn) send(op, data byte, parts ...[]byte) uint16 {
	seq, _ := x.request(false, op, data, parts...)
	return seq
}

// request writes one request; with reply it also registers where its reply goes.
func (x *xconn) request(reply bool, op, data byte, parts ...[]byte) (uint16, chan []byte) {
	n := 4
	for _, p := range parts {
		n += len(p)
	}
	buf := make([]byte, 4, n)
	buf[0], buf[1] = op, data
	binary.LittleEndian.PutUint16(buf[2:], uint16(n/4))
	for _, p := range parts {
		buf = append(buf, p...)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.seq++
	var ch chan []byte
	if reply {
		ch = make(chan []byte, 1)
		x.pending[x.seq] = ch
	}
	if _, err := x.conn.Write(buf); err != nil {
		x.fail(err)
	}
	return x.seq, ch
}

func (x *xconn) fail(err error) {
	select {
	case x.errs <- err:
	default:
	}
}

// read demultiplexes the server's stream: replies to whoever waits for them, MapNotify to
// maps, errors (a window gone before we asked about it) to the waiting request as nil.
func (x *xconn) read() {
	for {
		pkt := make([]byte, 32)
		if _, err := io.ReadFull(x.conn, pkt); err != nil {
			x.fail(err)
			return
		}
		at := time.Now()
		seq := binary.LittleEndian.Uint16(pkt[2:])
		switch code := pkt[0] & 0x7f; code {
		case 1: // reply
			extra := make([]byte, int(binary.LittleEndian.Uint32(pkt[4:]))*4)
			if _, err := io.ReadFull(x.conn, extra); err != nil {
				x.fail(err)
				return
			}
			x.deliver(seq, append(pkt, extra...))
		case 0: // error
			x.deliver(seq, nil)
		case evMapNotify:
			if pkt[12] == 0 { // not override-redirect: a real top-level window, not a menu
				x.maps <- mapEvent{Window: binary.LittleEndian.Uint32(pkt[8:]), At: at}
			}
		}
	}
}

func (x *xconn) deliver(seq uint16, pkt []byte) {
	x.mu.Lock()
	ch := x.pending[seq]
	delete(x.pending, seq)
	x.mu.Unlock()
	if ch != nil {
		ch <- pkt
	}
}

func (x *xconn) await(ch chan []byte) ([]byte, error) {
	select {
	case pkt := <-ch:
		if pkt == nil {
			return nil, errors.New("the X request failed")
		}
		return pkt, nil
	case err := <-x.errs:
		return nil, err
	case <-time.After(5 * time.Second):
		return nil, errors.New("no answer from the X server")
	}
}

// name is the window's WM_NAME (GLFW sets it when it creates the window, before mapping).
func (x *xconn) name(win uint32) (string, error) {
	_, ch := x.request(true, opGetProperty, 0, u32(win), u32(atomWMName), u32(0), u32(0), u32(256))
	pkt, err := x.await(ch)
	if err != nil {
		return "", err
	}
	format, n := pkt[1], int(binary.LittleEndian.Uint32(pkt[16:]))
	if format != 8 || 32+n > len(pkt) {
		return "", nil
	}
	return string(pkt[32 : 32+n]), nil
}

// size is the window's width and height in pixels.
func (x *xconn) size(win uint32) (w, h int, err error) {
	_, ch := x.request(true, opGetGeometry, 0, u32(win))
	pkt, err := x.await(ch)
	if err != nil {
		return 0, 0, err
	}
	return int(binary.LittleEndian.Uint16(pkt[16:])), int(binary.LittleEndian.Uint16(pkt[18:])), nil
}

// colours counts the distinct pixel values in the top rows of win (GetImage, ZPixmap): a
// window that shows only its background has one, one with text on it dozens.
func (x *xconn) colours(win uint32, width, rows int) (int, error) {
	geom := binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(nil, 0), 0) // x, y
	geom = binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(geom, uint16(width)), uint16(rows))
	_, ch := x.request(true, opGetImage, 2, u32(win), geom, u32(0xffffffff))
	pkt, err := x.await(ch)
	if err != nil {
		return 0, err
	}
	seen := map[uint32]bool{}
	for px := pkt[32:]; len(px) >= 4; px = px[4:] { // 24-bit depth is stored 32 bits a pixel
		seen[binary.LittleEndian.Uint32(px)&0xffffff] = true
	}
	return len(seen), nil
}

// waitMapped returns the first window named title mapped before the deadline, unless the
// program exits first.
func (x *xconn) waitMapped(title string, deadline time.Time, exited <-chan struct{}) (mapEvent, error) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		select {
		case ev := <-x.maps:
			if name, err := x.name(ev.Window); err == nil && name == title {
				return ev, nil
			}
		case err := <-x.errs:
			return mapEvent{}, err
		case <-exited:
			return mapEvent{}, errors.New("exited before its window showed")
		case <-timer.C:
			return mapEvent{}, fmt.Errorf("no window %q was mapped in time", title)
		}
	}
}

// drain forgets MapNotify events left from an earlier launch.
func (x *xconn) drain() {
	for {
		select {
		case <-x.maps:
		default:
			return
		}
	}
}

func (x *xconn) Close() error { return x.conn.Close() }
