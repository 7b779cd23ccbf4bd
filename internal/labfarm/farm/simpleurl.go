package farm

import (
	"fmt"
	"strings"
)

// Simple URLs (Get-/Set-CsSimpleUrlConfiguration). They live in simple URL
// configuration collections in the Central Management store, not in the
// published topology document: "When you install Skype for Business Server, a
// global collection is created for you; you can also create custom
// collections at the site scope" (ODP Set-CsSimpleUrlConfiguration.md [C]).
// A simple URL has a Component (Meet, Admin, Dialin; WebScheduler in later
// versions), a SIP Domain, its SimpleUrlEntry URLs and the ActiveUrl, which
// must be one of the entries (ODP New-CsSimpleUrl.md [C]).
//
// Publish-CsTopology: "The only thing you can do with the Publish-CsTopology
// cmdlet is republish a topology retrieved by using the Get-CsTopology cmdlet.
// After publishing the topology in this manner, you will then need to
// reconfigure your simple URLs." (lync-dr.md §1.1 [C]). That they need
// reconfiguring is confirmed; what exactly happens to them is [U]. The farm
// MODELS it as: a successful Publish-CsTopology (not -WhatIf) empties the
// SimpleUrl list of every collection and keeps the collections. A publish from
// Topology Builder, whose document carries the simple URLs, keeps them: that
// is Farm.Publish, which the farm's own tests and seeds use.

// SimpleURL is one simple URL of a collection.
type SimpleURL struct {
	Component string `json:"component"`
	Domain    string `json:"domain"`
	// Entries are the Url values of its SimpleUrlEntry list.
	Entries   []string `json:"entries"`
	ActiveURL string   `json:"activeUrl"`
}

// SimpleURLConfig is one simple URL configuration collection.
type SimpleURLConfig struct {
	// Identity is "Global" or "Site:<site name>".
	Identity   string      `json:"identity"`
	SimpleURLs []SimpleURL `json:"simpleUrls"`
}

func (c SimpleURLConfig) clone() SimpleURLConfig {
	out := SimpleURLConfig{Identity: c.Identity, SimpleURLs: make([]SimpleURL, 0, len(c.SimpleURLs))}
	for _, u := range c.SimpleURLs {
		u.Entries = append([]string(nil), u.Entries...)
		out.SimpleURLs = append(out.SimpleURLs, u)
	}
	return out
}

// defaultSimpleURLs is the global collection of a freshly deployed farm: the
// Meet URL of the SIP domain and the Dialin and Admin URLs, as Topology
// Builder proposes them (https://meet.<domain>, https://dialin.<domain>;
// the Admin URL's host name and the "*" domain of Dialin and Admin are [I]).
func defaultSimpleURLs(domain string) []SimpleURLConfig {
	url := func(component, dom, host string) SimpleURL {
		u := "https://" + host + "." + domain
		return SimpleURL{Component: component, Domain: dom, Entries: []string{u}, ActiveURL: u}
	}
	return []SimpleURLConfig{{Identity: "Global", SimpleURLs: []SimpleURL{
		url("meet", domain, "meet"),
		url("dialin", "*", "dialin"),
		url("Admin", "*", "admin"),
	}}}
}

// validateSimpleURLs checks what Set-CsSimpleUrlConfiguration stores: a
// component, a domain, and an ActiveUrl that is one of the entries ("An error
// will occur if you try to set the ActiveUrl to a value not found in the
// SimpleUrlEntry property", ODP New-CsSimpleUrl.md [C]; the farm checks it
// when the collection is written, the message is [U]).
func validateSimpleURLs(urls []SimpleURL) error {
	for _, u := range urls {
		if strings.TrimSpace(u.Component) == "" || strings.TrimSpace(u.Domain) == "" {
			return fmt.Errorf("a simple URL needs a Component and a Domain (got Component %q, Domain %q)", u.Component, u.Domain)
		}
		if u.ActiveURL == "" {
			continue
		}
		found := false
		for _, e := range u.Entries {
			if strings.EqualFold(e, u.ActiveURL) {
				found = true
			}
		}
		if !found {
			return fmt.Errorf("the ActiveUrl %q of the %s simple URL for %s is not one of its SimpleUrlEntry URLs", u.ActiveURL, u.Component, u.Domain)
		}
	}
	return nil
}

// simpleURLConfigLocked returns the index of the collection with identity
// (case-insensitive), or -1.
func (f *Farm) simpleURLConfigLocked(identity string) int {
	for i, c := range f.simpleURLs {
		if strings.EqualFold(c.Identity, strings.TrimSpace(identity)) {
			return i
		}
	}
	return -1
}

// clearSimpleURLsLocked is what republishing a Get-CsTopology document does
// to the simple URLs (MODELLED, see above).
func (f *Farm) clearSimpleURLsLocked() {
	for i := range f.simpleURLs {
		f.simpleURLs[i].SimpleURLs = []SimpleURL{}
	}
}

// SimpleURLs returns a copy of the simple URL configuration collections.
func (f *Farm) SimpleURLs() []SimpleURLConfig {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.simpleURLsLocked()
}

func (f *Farm) simpleURLsLocked() []SimpleURLConfig {
	out := make([]SimpleURLConfig, 0, len(f.simpleURLs))
	for _, c := range f.simpleURLs {
		out = append(out, c.clone())
	}
	return out
}

// SetSimpleURLConfig creates or replaces a simple URL configuration
// collection, as New-CsSimpleUrlConfiguration or Set-CsSimpleUrlConfiguration
// would: "Global", or "Site:<name>" of a site of the published topology.
func (f *Farm) SetSimpleURLConfig(c SimpleURLConfig) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := strings.TrimSpace(c.Identity)
	switch {
	case strings.EqualFold(id, "Global"):
		id = "Global"
	case len(id) > 5 && strings.EqualFold(id[:5], "site:"):
		name := id[5:]
		found := false
		for _, s := range f.published.topo.Sites {
			if strings.EqualFold(s.Name, name) {
				id, found = "Site:"+s.Name, true
			}
		}
		if !found {
			return fmt.Errorf("simple URL configuration %q: no site %q in the topology", c.Identity, name)
		}
	default:
		return fmt.Errorf("simple URL configuration %q: the identity is Global or Site:<name>", c.Identity)
	}
	if err := validateSimpleURLs(c.SimpleURLs); err != nil {
		return err
	}
	c = c.clone()
	c.Identity = id
	if i := f.simpleURLConfigLocked(id); i >= 0 {
		f.simpleURLs[i] = c
		return nil
	}
	f.simpleURLs = append(f.simpleURLs, c)
	return nil
}
