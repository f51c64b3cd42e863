// link-emulator: the link between two test sites, slowed and made lossy in user space. Where the
// kernel has no sch_netem (`tc qdisc … netem` fails), the two-site tests pass the link through
// this relay: it reads every Ethernet frame from one TAP device and writes it to the other, each
// way, after a fixed delay (order preserved, as netem's `delay`) unless it drops it (a random
// percentage, as netem's `loss`); ARP alone crosses at once (see receive). Standard library only,
// so it builds offline in seconds.
//
//	link-emulator relay -a TAP -b TAP -control SOCKET
//	    creates (or attaches to) both TAP devices, relays between them, and takes commands, one
//	    a line, on stdin and on the unix socket; it answers each on a line (stdout for stdin).
//	    It exits when stdin ends, so it never outlives the process that started it.
//	link-emulator control SOCKET COMMAND
//	    sends one command to a running relay (waiting up to 10 s for it to listen) and prints
//	    its answer: how a harness that cannot wait on a pipe applies a setting and knows it is.
//
// Commands: `delay=MS loss=PERCENT` (both ways; `ab.delay=`, `ba.loss=` for one way, a→b being
// from TAP a to TAP b), `clear` (no delay, no loss), `stats` (frames forwarded, lost on purpose,
// dropped because the queue was full, failed to write, and ARP frames passed, each way), `ping`.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

const (
	tunSetIff = 0x400454ca // TUNSETIFF
	iffTap    = 0x0002
	iffNoPi   = 0x1000
	// Frames waiting in one direction; netem's default limit is 1,000 packets, this link carries
	// a test's traffic at up to a few seconds of delay, so it holds more before dropping.
	queueLimit = 10_000
)

func openTap(name string) (*os.File, error) {
	fd, err := syscall.Open("/dev/net/tun", syscall.O_RDWR|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	var ifr [40]byte // struct ifreq: the name, then the flags
	copy(ifr[:syscall.IFNAMSIZ-1], name)
	*(*uint16)(unsafe.Pointer(&ifr[syscall.IFNAMSIZ])) = iffTap | iffNoPi
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), tunSetIff, uintptr(unsafe.Pointer(&ifr[0]))); errno != 0 {
		syscall.Close(fd)
		return nil, fmt.Errorf("TUNSETIFF %s: %w", name, errno)
	}
	// Non-blocking, so that Go's poller reads and writes it without holding a thread each.
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}

type frame struct {
	data []byte
	due  time.Time
}

// One way of the link: frames read from `in` are written to `out`.
type direction struct {
	name    string
	in, out *os.File
	queue   chan frame

	mu    sync.Mutex
	delay time.Duration
	loss  float64 // percent

	forwarded, lost, overflow, failed, arp atomic.Uint64
}

func (d *direction) settings() (time.Duration, float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.delay, d.loss
}

func (d *direction) set(delay *time.Duration, loss *float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if delay != nil {
		d.delay = *delay
	}
	if loss != nil {
		d.loss = *loss
	}
}

// Loss is decided, and the delay fixed, when a frame enters the link, as netem does on enqueue.
func (d *direction) receive(fail chan<- error) {
	buf := make([]byte, 65_536)
	for {
		n, err := d.in.Read(buf)
		if err != nil {
			fail <- fmt.Errorf("%s: read %s: %w", d.name, d.in.Name(), err)
			return
		}
		// ARP crosses at once, never lost: it stands for no traffic of the WAN, where each side
		// resolves its own router's address, and a neighbour not answered within 3 s is "no route to
		// host", which a delay of seconds would make of every first connection. Written from here,
		// not queued, so it does not wait behind delayed frames.
		if n >= 14 && buf[12] == 0x08 && buf[13] == 0x06 {
			if _, err := d.out.Write(buf[:n]); err != nil {
				d.failed.Add(1)
			} else {
				d.arp.Add(1)
			}
			continue
		}
		delay, loss := d.settings()
		if loss > 0 && rand.Float64()*100 < loss {
			d.lost.Add(1)
			continue
		}
		f := frame{data: append([]byte(nil), buf[:n]...), due: time.Now().Add(delay)}
		select {
		case d.queue <- f:
		default:
			d.overflow.Add(1)
		}
	}
}

// One queue, in arrival order: a frame never overtakes an earlier one.
func (d *direction) send() {
	for f := range d.queue {
		if wait := time.Until(f.due); wait > 0 {
			time.Sleep(wait)
		}
		// A write fails while the device is down (the link cut at a bridge): the frame is lost, as on a wire.
		if _, err := d.out.Write(f.data); err != nil {
			d.failed.Add(1)
			continue
		}
		d.forwarded.Add(1)
	}
}

type link struct{ ab, ba *direction }

func (l *link) describe() string {
	var parts []string
	for _, d := range []*direction{l.ab, l.ba} {
		delay, loss := d.settings()
		parts = append(parts, fmt.Sprintf("%s.delay=%d %s.loss=%g", d.name, delay.Milliseconds(), d.name, loss))
	}
	return strings.Join(parts, " ")
}

func (l *link) stats() string {
	var parts []string
	for _, d := range []*direction{l.ab, l.ba} {
		parts = append(parts, fmt.Sprintf("%[1]s.forwarded=%[2]d %[1]s.lost=%[3]d %[1]s.overflow=%[4]d %[1]s.failed=%[5]d %[1]s.arp=%[6]d",
			d.name, d.forwarded.Load(), d.lost.Load(), d.overflow.Load(), d.failed.Load(), d.arp.Load()))
	}
	return "stats " + strings.Join(parts, " ")
}

// apply runs one command and returns its answer line; a command it cannot read changes nothing.
func (l *link) apply(line string) string {
	fields := strings.Fields(line)
	switch {
	case len(fields) == 0:
		return "error empty command"
	case len(fields) == 1 && fields[0] == "ping":
		return "ready " + l.describe()
	case len(fields) == 1 && fields[0] == "stats":
		return l.stats()
	case len(fields) == 1 && fields[0] == "clear":
		zero, none := time.Duration(0), 0.0
		l.ab.set(&zero, &none)
		l.ba.set(&zero, &none)
		return "applied " + l.describe()
	}
	type change struct {
		d     *direction
		delay *time.Duration
		loss  *float64
	}
	var changes []change
	for _, field := range fields {
		key, value, ok := strings.Cut(field, "=")
		if !ok {
			return "error " + strconv.Quote(field) + ": expected key=value"
		}
		targets := []*direction{l.ab, l.ba}
		if way, name, dotted := strings.Cut(key, "."); dotted {
			key = name
			switch way {
			case "ab":
				targets = []*direction{l.ab}
			case "ba":
				targets = []*direction{l.ba}
			default:
				return "error " + strconv.Quote(field) + ": the way is ab or ba"
			}
		}
		number, err := strconv.ParseFloat(value, 64)
		if err != nil || number < 0 {
			return "error " + strconv.Quote(field) + ": expected a number ≥ 0"
		}
		for _, d := range targets {
			switch key {
			case "delay":
				delay := time.Duration(number * float64(time.Millisecond))
				changes = append(changes, change{d: d, delay: &delay})
			case "loss":
				if number > 100 {
					return "error " + strconv.Quote(field) + ": loss is a percentage"
				}
				loss := number
				changes = append(changes, change{d: d, loss: &loss})
			default:
				return "error " + strconv.Quote(field) + ": unknown setting (delay, loss)"
			}
		}
	}
	for _, c := range changes {
		c.d.set(c.delay, c.loss)
	}
	return "applied " + l.describe()
}

func serve(l *link, listener net.Listener, out *syncWriter) {
	for {
		conn, err := listener.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			line, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil && line == "" {
				return
			}
			answer := l.apply(strings.TrimSpace(line))
			if !strings.HasPrefix(answer, "stats ") && !strings.HasPrefix(answer, "ready ") {
				out.line(answer)
			}
			fmt.Fprintln(conn, answer)
		}()
	}
}

type syncWriter struct{ mu sync.Mutex }

func (w *syncWriter) line(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Println(s)
}

func relay(args []string) error {
	flags := flag.NewFlagSet("relay", flag.ContinueOnError)
	a := flags.String("a", "", "first TAP device")
	b := flags.String("b", "", "second TAP device")
	control := flags.String("control", "", "unix socket to take commands on")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *a == "" || *b == "" || *control == "" {
		return errors.New("relay needs -a TAP -b TAP -control SOCKET")
	}
	tapA, err := openTap(*a)
	if err != nil {
		return err
	}
	tapB, err := openTap(*b)
	if err != nil {
		return err
	}
	l := &link{
		ab: &direction{name: "ab", in: tapA, out: tapB, queue: make(chan frame, queueLimit)},
		ba: &direction{name: "ba", in: tapB, out: tapA, queue: make(chan frame, queueLimit)},
	}
	fail := make(chan error, 2)
	for _, d := range []*direction{l.ab, l.ba} {
		go d.receive(fail)
		go d.send()
	}
	os.Remove(*control)
	listener, err := net.Listen("unix", *control)
	if err != nil {
		return err
	}
	defer os.Remove(*control)
	out := &syncWriter{}
	go serve(l, listener, out)
	out.line(fmt.Sprintf("ready a=%s b=%s %s", *a, *b, l.describe()))

	done := make(chan struct{})
	go func() {
		scanner := bufio.NewScanner(os.Stdin)
		for scanner.Scan() {
			if line := strings.TrimSpace(scanner.Text()); line != "" {
				out.line(l.apply(line))
			}
		}
		close(done) // stdin ended: whoever started the link is gone
	}()
	select {
	case <-done:
		return nil
	case err := <-fail:
		return err
	}
}

func controlOnce(socket, command string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("unix", socket, time.Second)
		if err != nil {
			if time.Now().After(deadline) {
				return fmt.Errorf("no link emulator listening at %s: %w", socket, err)
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := fmt.Fprintln(conn, command); err != nil {
			return err
		}
		answer, err := bufio.NewReader(conn).ReadString('\n')
		if err != nil {
			return fmt.Errorf("no answer from the link emulator at %s: %w", socket, err)
		}
		answer = strings.TrimSpace(answer)
		fmt.Println(answer)
		if strings.HasPrefix(answer, "error ") {
			return errors.New(answer)
		}
		return nil
	}
}

func main() {
	var err error
	switch {
	case len(os.Args) >= 2 && os.Args[1] == "relay":
		err = relay(os.Args[2:])
	case len(os.Args) == 4 && os.Args[1] == "control":
		err = controlOnce(os.Args[2], os.Args[3])
	default:
		err = errors.New("usage: link-emulator relay -a TAP -b TAP -control SOCKET | link-emulator control SOCKET COMMAND")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "link-emulator:", err)
		os.Exit(1)
	}
}
