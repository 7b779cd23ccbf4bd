package wsman

import (
	"encoding/hex"
	"strings"
	"testing"
)

// RFC 1320, appendix A.5 ("test suite").
func TestMD4(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "31d6cfe0d16ae931b73c59d7e0c089c0"},
		{"a", "bde52cb31de33e46245e05fbdbd6fb24"},
		{"abc", "a448017aaf21d8525fc10ae87aa6729d"},
		{"message digest", "d9130a8164549fe818874806e1c7014b"},
		{"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"},
		{strings.Repeat("1234567890", 8), "e33b4ddc9c38f2199c3e7b164fcc0536"},
	} {
		sum := md4Sum([]byte(tt.in))
		if got := hex.EncodeToString(sum[:]); got != tt.want {
			t.Errorf("MD4(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	// Lengths around the padding boundaries (55, 56, 63, 64 bytes) must not
	// panic and must differ.
	seen := map[[16]byte]int{}
	for n := 50; n <= 130; n++ {
		sum := md4Sum([]byte(strings.Repeat("x", n)))
		if m, dup := seen[sum]; dup {
			t.Fatalf("MD4 of %d and %d bytes collide", m, n)
		}
		seen[sum] = n
	}
}
