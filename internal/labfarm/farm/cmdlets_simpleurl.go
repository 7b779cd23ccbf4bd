package farm

import (
	"fmt"
	"path"
	"strings"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// The .NET types of the simple URL objects: the configuration's is the
// documented output and input type of Get-/Set-CsSimpleUrlConfiguration
// (ODP [C]); the SimpleUrl and SimpleUrlEntry classes are assumed to sit in
// the same namespace (New-CsSimpleUrl.md prints
// "Microsoft.Rtc.Management.WritableConfig.SimpleUtl.SimpleUrl", a typo) [I].
const (
	typeSimpleURLConfig = "Microsoft.Rtc.Management.WritableConfig.Settings.SimpleUrl.SimpleUrlConfiguration"
	typeSimpleURL       = "Microsoft.Rtc.Management.WritableConfig.Settings.SimpleUrl.SimpleUrl"
	typeSimpleURLEntry  = "Microsoft.Rtc.Management.WritableConfig.Settings.SimpleUrl.SimpleUrlEntry"
)

// simpleURLObject is a SimpleUrlConfiguration as the cmdlets emit it:
// Identity and SimpleUrl, a list of SimpleUrl objects {Component, Domain,
// SimpleUrlEntry: [{Url}], ActiveUrl} (property names: the parameters of
// New-CsSimpleUrl and New-CsSimpleUrlEntry and the documented examples
// "Select-Object -ExpandProperty SimpleUrl | Where-Object {$_.Component -eq
// "Meet"}" [C]). Every call builds new objects, as a read from the Central
// Management store does, so that a script's saved copy is a snapshot.
func simpleURLObject(c SimpleURLConfig) *ps.Object {
	urls := make([]ps.Value, 0, len(c.SimpleURLs))
	for _, u := range c.SimpleURLs {
		entries := make([]ps.Value, 0, len(u.Entries))
		for _, e := range u.Entries {
			entries = append(entries, ps.NewObject(typeSimpleURLEntry).Set("Url", e))
		}
		urls = append(urls, ps.NewObject(typeSimpleURL).Set("Component", u.Component).Set("Domain", u.Domain).
			Set("SimpleUrlEntry", entries).Set("ActiveUrl", u.ActiveURL))
	}
	return ps.NewObject(typeSimpleURLConfig).Set("Identity", c.Identity).Set("SimpleUrl", urls)
}

// getSimpleURLConfiguration is Get-CsSimpleUrlConfiguration [[-Identity]
// <String>] [-Filter <String>] [-LocalStore] [-Tenant <String>] (ODP [C]):
// every collection, the one named, or those matching the wildcard filter
// ("site:*"). An identity that does not exist returns nothing ([U]).
func (s *Session) getSimpleURLConfiguration() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name: "Get-CsSimpleUrlConfiguration",
		Params: []ps.Param{
			{Name: "Identity", Type: ps.TypeString, Position: 0},
			named("Filter", ps.TypeString),
			named("Tenant", ps.TypeString),
			named("LocalStore", ps.TypeSwitch),
		},
		Invoke: func(c *ps.Call) error {
			if c.Has("Identity") && c.Has("Filter") {
				return cmdletError("InvalidArgument", "AmbiguousParameterSet", classGetSimpleURL, "",
					"Parameter set cannot be resolved using the specified named parameters.")
			}
			if err := c.Sleep(s.f.lat.TopologyRead); err != nil {
				return err
			}
			s.f.mu.Lock()
			configs := s.f.simpleURLsLocked()
			s.f.mu.Unlock()
			id := strings.TrimSpace(c.String("Identity"))
			filter := strings.ToLower(c.String("Filter"))
			for _, cfg := range configs {
				if id != "" && !strings.EqualFold(cfg.Identity, id) {
					continue
				}
				if filter != "" {
					if ok, _ := path.Match(filter, strings.ToLower(cfg.Identity)); !ok {
						continue
					}
				}
				c.Emit(simpleURLObject(cfg))
			}
			return nil
		},
	}
}

// setSimpleURLConfiguration is Set-CsSimpleUrlConfiguration (ODP [C]):
// [[-Identity] <XdsIdentity>] or -Instance <PSObject> (also from the
// pipeline), [-SimpleUrl <PSListModifier>], [-Force] [-Tenant] [-WhatIf]
// [-Confirm]. Without either the global collection is modified. -Instance
// writes the object's SimpleUrl list back to the collection its Identity
// names. -SimpleUrl takes $null (remove every URL, Example 1), a hashtable
// with Add, Remove and/or Replace (Examples 2 and 3), or URLs (replace). The
// collection must exist (New-CsSimpleUrlConfiguration creates site
// collections; the farm has no such cmdlet, Farm.SetSimpleURLConfig stands
// in for it); the error text is [U]. Like every other Central Management
// store access it costs TopologyRead.
func (s *Session) setSimpleURLConfiguration() *ps.Cmdlet {
	params := []ps.Param{
		{Name: "Identity", Type: ps.TypeString, Position: 0},
		{Name: "Instance", Type: ps.TypeObject, Position: -1, FromPipeline: true},
		named("SimpleUrl", ps.TypeObject),
		named("Tenant", ps.TypeString),
	}
	params = append(params, switches("Force", "WhatIf", "Confirm")...)
	return &ps.Cmdlet{
		Name:   "Set-CsSimpleUrlConfiguration",
		Params: params,
		Invoke: func(c *ps.Call) error {
			if c.Has("Identity") && c.Has("Instance") {
				return cmdletError("InvalidArgument", "AmbiguousParameterSet", classSetSimpleURL, "",
					"Parameter set cannot be resolved using the specified named parameters.")
			}
			id := "Global"
			var fromInstance []SimpleURL
			haveInstance := false
			switch {
			case c.Has("Instance"):
				o, ok := c.Bound["Instance"].(*ps.Object)
				var idv ps.Value
				if ok {
					idv, ok = o.Get("Identity")
				}
				if !ok || ps.ToString(idv) == "" {
					return cmdletError("InvalidArgument", "InvalidInstance", classSetSimpleURL, fmt.Sprint(c.Bound["Instance"]),
						"The input object is not a simple URL configuration ("+typeSimpleURLConfig+").")
				}
				id = ps.ToString(idv)
				list, _ := o.Get("SimpleUrl")
				urls, err := simpleURLsOf(list)
				if err != nil {
					return err
				}
				fromInstance, haveInstance = urls, true
			case c.Has("Identity"):
				id = strings.TrimSpace(c.String("Identity"))
			}
			if err := c.Sleep(s.f.lat.TopologyRead); err != nil {
				return err
			}
			s.f.mu.Lock()
			defer s.f.mu.Unlock()
			i := s.f.simpleURLConfigLocked(id)
			if i < 0 {
				return cmdletError("ObjectNotFound", "SimpleUrlConfigurationNotFound", classSetSimpleURL, id,
					fmt.Sprintf("Cannot find SimpleUrlConfiguration \"%s\" because it does not exist.", id))
			}
			urls := s.f.simpleURLs[i].clone().SimpleURLs
			if haveInstance {
				urls = fromInstance
			}
			if c.Has("SimpleUrl") {
				var err error
				if urls, err = applyListModifier(urls, c.Bound["SimpleUrl"]); err != nil {
					return err
				}
			}
			if err := validateSimpleURLs(urls); err != nil {
				return cmdletError("InvalidArgument", "InvalidSimpleUrl", classSetSimpleURL, id, err.Error())
			}
			if c.Bool("WhatIf") {
				c.WriteHost(fmt.Sprintf("What if: Performing operation \"Set-CsSimpleUrlConfiguration\" on Target \"%s\".", s.f.simpleURLs[i].Identity))
				return nil
			}
			s.f.simpleURLs[i].SimpleURLs = urls
			return nil
		},
	}
}

// simpleURLsOf reads SimpleUrl objects (as Get-CsSimpleUrlConfiguration
// emits them, or any object with the same properties) from a list value.
func simpleURLsOf(v ps.Value) ([]SimpleURL, error) {
	out := []SimpleURL{}
	for _, item := range ps.AsSlice(v) {
		o, ok := item.(*ps.Object)
		if !ok {
			return nil, cmdletError("InvalidArgument", "InvalidSimpleUrl", classSetSimpleURL, fmt.Sprint(item),
				fmt.Sprintf("Cannot convert the \"%v\" value of type \"%T\" to type \"%s\".", item, item, typeSimpleURL))
		}
		get := func(name string) ps.Value { v, _ := o.Get(name); return v }
		u := SimpleURL{Component: ps.ToString(get("Component")), Domain: ps.ToString(get("Domain")),
			ActiveURL: ps.ToString(get("ActiveUrl")), Entries: []string{}}
		for _, e := range ps.AsSlice(get("SimpleUrlEntry")) {
			if eo, ok := e.(*ps.Object); ok {
				url, _ := eo.Get("Url")
				u.Entries = append(u.Entries, ps.ToString(url))
				continue
			}
			u.Entries = append(u.Entries, ps.ToString(e))
		}
		out = append(out, u)
	}
	return out, nil
}

// applyListModifier applies a PSListModifier value to urls: $null clears,
// a hashtable applies Replace, then Remove, then Add, anything else replaces.
func applyListModifier(urls []SimpleURL, v ps.Value) ([]SimpleURL, error) {
	h, ok := v.(*ps.Hashtable)
	if !ok {
		return simpleURLsOf(v)
	}
	for _, k := range h.Keys() {
		switch strings.ToLower(k) {
		case "add", "remove", "replace":
		default:
			return nil, cmdletError("InvalidArgument", "InvalidListModifier", classSetSimpleURL, k,
				fmt.Sprintf("Cannot convert value \"System.Collections.Hashtable\" to type \"Microsoft.Rtc.Management.Internal.PSListModifier\": the key \"%s\" is not Add, Remove or Replace.", k))
		}
	}
	if r, ok := h.Get("Replace"); ok {
		rep, err := simpleURLsOf(r)
		if err != nil {
			return nil, err
		}
		urls = rep
	}
	if r, ok := h.Get("Remove"); ok {
		rem, err := simpleURLsOf(r)
		if err != nil {
			return nil, err
		}
		kept := []SimpleURL{}
		for _, u := range urls {
			drop := false
			for _, x := range rem {
				if sameSimpleURL(u, x) {
					drop = true
				}
			}
			if !drop {
				kept = append(kept, u)
			}
		}
		urls = kept
	}
	if a, ok := h.Get("Add"); ok {
		add, err := simpleURLsOf(a)
		if err != nil {
			return nil, err
		}
		urls = append(urls, add...)
	}
	return urls, nil
}

// sameSimpleURL compares two simple URLs the way Remove matches them ("an
// object that contains the exact same property values as the URL to be
// deleted", Set-CsSimpleUrlConfiguration Example 3 [C]); case-insensitive
// [I].
func sameSimpleURL(a, b SimpleURL) bool {
	if !strings.EqualFold(a.Component, b.Component) || !strings.EqualFold(a.Domain, b.Domain) ||
		!strings.EqualFold(a.ActiveURL, b.ActiveURL) || len(a.Entries) != len(b.Entries) {
		return false
	}
	for i := range a.Entries {
		if !strings.EqualFold(a.Entries[i], b.Entries[i]) {
			return false
		}
	}
	return true
}
