package winrm

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"

	"golang.org/x/crypto/md4" //nolint:staticcheck // NTLM is defined over MD4
)

// ntlmResponder is a test-only NTLM (authentication only) front for an
// http.Handler, following reference §5.3: it answers NEGOTIATE with a
// CHALLENGE, verifies the NTLMv2 response of AUTHENTICATE and then hands
// the request to next with the Basic credentials next expects. Like
// Windows it keeps the handshake state per TCP connection and treats an
// authenticated connection as authenticated for the requests that follow
// without an Authorization header. It is strict about connections: an
// AUTHENTICATE on a connection without a pending challenge, or another
// request between NEGOTIATE and AUTHENTICATE, fails and is counted.
type ntlmResponder struct {
	next http.Handler
	// scheme is offered in WWW-Authenticate: "Negotiate" (what WinRM
	// offers) or "NTLM".
	scheme string
	// alsoBasic offers Basic as well (a WinRM service with Basic enabled),
	// but still refuses Basic credentials.
	alsoBasic bool
	// domain is the NetBIOS domain name sent as the challenge's TargetName.
	domain string
	// accounts maps lower-case "domain\user" (or a UPN, whose domain is
	// empty) to its password.
	accounts map[string]string
	// basicUser and basicPassword are set on authenticated requests for
	// next.
	basicUser, basicPassword string
	// keyExch sets NTLMSSP_NEGOTIATE_KEY_EXCH in the challenge, which
	// go-ntlmssp cannot answer.
	keyExch bool

	conns      atomic.Int32 // TCP connections accepted
	handshakes atomic.Int32 // AUTHENTICATE messages verified
	rejected   atomic.Int32 // AUTHENTICATE messages with a wrong response
	crossed    atomic.Int32 // handshake legs on the wrong connection

	mu         sync.Mutex
	identities []string // "user|domain" of each AUTHENTICATE, as received
}

type ntlmConnKey struct{}

// ntlmConn is the handshake state of one TCP connection.
type ntlmConn struct {
	mu        sync.Mutex
	challenge []byte // server challenge of a pending CHALLENGE
	authed    bool
}

// connContext is the http.Server ConnContext hook that gives every
// connection its state.
func (n *ntlmResponder) connContext(ctx context.Context, _ net.Conn) context.Context {
	n.conns.Add(1)
	return context.WithValue(ctx, ntlmConnKey{}, &ntlmConn{})
}

func (n *ntlmResponder) seen() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.identities...)
}

func (n *ntlmResponder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st, ok := r.Context().Value(ntlmConnKey{}).(*ntlmConn)
	if !ok {
		http.Error(w, "ntlm responder: no connection state (ConnContext not set)", http.StatusInternalServerError)
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()

	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	isNTLM := strings.EqualFold(scheme, "NTLM") || strings.EqualFold(scheme, "Negotiate")
	var msg []byte
	if isNTLM {
		msg, _ = base64.StdEncoding.DecodeString(token)
	}
	switch {
	case isNTLM && ntlmType(msg) == 1:
		st.authed = false
		st.challenge = make([]byte, 8)
		_, _ = rand.Read(st.challenge)
		w.Header().Set("WWW-Authenticate", scheme+" "+base64.StdEncoding.EncodeToString(n.challengeMessage(msg, st.challenge)))
		w.WriteHeader(http.StatusUnauthorized)
		return
	case isNTLM && ntlmType(msg) == 3:
		challenge := st.challenge
		st.challenge = nil
		if challenge == nil {
			n.crossed.Add(1)
			n.deny(w)
			return
		}
		if !n.verify(msg, challenge) {
			n.rejected.Add(1)
			n.deny(w)
			return
		}
		n.handshakes.Add(1)
		st.authed = true
	case r.Header.Get("Authorization") == "" && st.authed:
		// The connection is authenticated.
	default:
		if st.challenge != nil {
			n.crossed.Add(1) // a request between NEGOTIATE and AUTHENTICATE
			st.challenge = nil
		}
		st.authed = false
		n.deny(w)
		return
	}
	r.Header.Del("Authorization")
	r.SetBasicAuth(n.basicUser, n.basicPassword)
	n.next.ServeHTTP(w, r)
}

func (n *ntlmResponder) deny(w http.ResponseWriter) {
	w.Header().Add("WWW-Authenticate", n.scheme)
	if n.alsoBasic {
		w.Header().Add("WWW-Authenticate", `Basic realm="WSMAN"`)
	}
	w.WriteHeader(http.StatusUnauthorized)
}

// NTLMSSP negotiate flags (MS-NLMP 2.2.2.5).
const (
	nfUnicode       = 0x00000001
	nfRequestTarget = 0x00000004
	nfSign          = 0x00000010
	nfSeal          = 0x00000020
	nfNTLM          = 0x00000200
	nfAlwaysSign    = 0x00008000
	nfTargetDomain  = 0x00010000
	nfESS           = 0x00080000
	nfTargetInfo    = 0x00800000
	nfVersion       = 0x02000000
	nf128           = 0x20000000
	nfKeyExch       = 0x40000000
	nf56            = 0x80000000
)

// ntlmType returns the message type of an NTLMSSP message, 0 if it is none.
func ntlmType(msg []byte) uint32 {
	if len(msg) < 12 || string(msg[:8]) != "NTLMSSP\x00" {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[8:])
}

// challengeMessage builds a CHALLENGE answering the NEGOTIATE negotiate.
func (n *ntlmResponder) challengeMessage(negotiate, serverChallenge []byte) []byte {
	var clientFlags uint32
	if len(negotiate) >= 16 {
		clientFlags = binary.LittleEndian.Uint32(negotiate[12:])
	}
	flags := uint32(nfUnicode|nfRequestTarget|nfNTLM|nfAlwaysSign|nfTargetDomain|nfTargetInfo|nfVersion) |
		clientFlags&(nfESS|nf128|nf56|nfSign|nfSeal|nfKeyExch)
	if n.keyExch {
		flags |= nfKeyExch
	}
	target := utf16le(n.domain)
	var info bytes.Buffer
	av := func(id uint16, v []byte) {
		_ = binary.Write(&info, binary.LittleEndian, [2]uint16{id, uint16(len(v))})
		info.Write(v)
	}
	stamp := make([]byte, 8)
	binary.LittleEndian.PutUint64(stamp, uint64(time.Now().UnixNano()/100)+116444736000000000)
	av(2, utf16le(n.domain))
	av(1, utf16le("FE01"))
	av(4, utf16le(strings.ToLower(n.domain)+".com"))
	av(3, utf16le("fe01."+strings.ToLower(n.domain)+".com"))
	av(7, stamp)
	av(0, nil)

	const headerLen = 56
	var b bytes.Buffer
	b.WriteString("NTLMSSP\x00")
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	le(uint32(2))
	le([2]uint16{uint16(len(target)), uint16(len(target))})
	le(uint32(headerLen))
	le(flags)
	b.Write(serverChallenge)
	b.Write(make([]byte, 8))
	le([2]uint16{uint16(info.Len()), uint16(info.Len())})
	le(uint32(headerLen + len(target)))
	b.Write([]byte{10, 0, 0x63, 0x45, 0, 0, 0, 15})
	b.Write(target)
	b.Write(info.Bytes())
	return b.Bytes()
}

// verify checks an AUTHENTICATE with the NTLMv2 algorithm of reference
// §5.3:
//
//	NTOWFv2    = HMAC_MD5(MD4(UTF16LE(password)), UTF16LE(UPPER(user) + domain))
//	NTProofStr = HMAC_MD5(NTOWFv2, ServerChallenge || Nt[16:]), must equal Nt[:16]
func (n *ntlmResponder) verify(msg, serverChallenge []byte) bool {
	field := func(off int) []byte {
		if len(msg) < off+8 {
			return nil
		}
		l := int(binary.LittleEndian.Uint16(msg[off:]))
		o := int(binary.LittleEndian.Uint32(msg[off+4:]))
		if o < 0 || o+l > len(msg) {
			return nil
		}
		return msg[o : o+l]
	}
	nt := field(20)
	domain, user := fromUTF16le(field(28)), fromUTF16le(field(36))
	n.mu.Lock()
	n.identities = append(n.identities, user+"|"+domain)
	n.mu.Unlock()
	if len(nt) <= 24 { // not NTLMv2
		return false
	}
	account := strings.ToLower(user)
	if domain != "" {
		account = strings.ToLower(domain + `\` + user)
	}
	password, ok := n.accounts[account]
	if !ok {
		return false
	}
	h := md4.New()
	h.Write(utf16le(password))
	ntowf := hmacMD5(h.Sum(nil), utf16le(strings.ToUpper(user)+domain))
	proof := hmacMD5(ntowf, serverChallenge, nt[16:])
	return hmac.Equal(proof, nt[:16])
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func fromUTF16le(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
