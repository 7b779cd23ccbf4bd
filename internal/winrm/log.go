package winrm

import (
	"context"
	"strings"
)

// redacted replaces the password wherever it would otherwise be logged.
const redacted = "<redacted>"

// logf sends one record to the configured Logger. As defence in depth it
// replaces any occurrence of the password in the message and in string
// fields, e.g. when a script embeds it (which the layers above must not do).
func (c *Client) logf(ctx context.Context, level Level, msg string, fields map[string]any) {
	if c.cfg.Log == nil {
		return
	}
	if pw := c.cfg.Password; len(pw) >= 4 {
		msg = strings.ReplaceAll(msg, pw, redacted)
		for k, v := range fields {
			switch s := v.(type) {
			case string:
				fields[k] = strings.ReplaceAll(s, pw, redacted)
			case error:
				if strings.Contains(s.Error(), pw) {
					fields[k] = strings.ReplaceAll(s.Error(), pw, redacted)
				}
			}
		}
	}
	c.cfg.Log(ctx, level, msg, fields)
}
