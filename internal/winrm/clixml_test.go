package winrm

import "testing"

const objsOpen = `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">`

// progressRecord is what PowerShell emits while it loads modules.
const progressRecord = `<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj>`

func TestDecodeCLIXML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain text is kept, CRLF normalized, trailing space trimmed", "boom\r\nsecond line\r\n\r\n", "boom\nsecond line"},
		{
			"error records of a real host, progress dropped",
			"#< CLIXML\r\n" + objsOpen + progressRecord +
				`<S S="Error">fake : The term 'fake' is not recognized as the name of a cmdlet. Check _x000D__x000A_</S>` +
				`<S S="Error">the spelling.._x000D__x000A_</S>` +
				`<S S="Error">At line:1 char:1_x000D__x000A_</S></Objs>`,
			"fake : The term 'fake' is not recognized as the name of a cmdlet. Check \nthe spelling..\nAt line:1 char:1",
		},
		{"only progress gives nothing", "#< CLIXML\r\n" + objsOpen + progressRecord + "</Objs>", ""},
		{
			"warning, verbose, debug get the console prefixes",
			"#< CLIXML\r\n" + objsOpen + `<S S="warning">disk almost full</S><S S="verbose">step 1</S><S S="debug">x=1</S><S S="Error">failed_x000D__x000A_</S></Objs>`,
			"WARNING: disk almost full\nVERBOSE: step 1\nDEBUG: x=1\nfailed",
		},
		{
			"several markers with text around them",
			"before\r\n#< CLIXML\r\n" + objsOpen + `<S S="Error">one_x000D__x000A_</S></Objs>` + "between\r\n#< CLIXML\r\n" + objsOpen + `<S S="Error">two_x000D__x000A_</S></Objs>after`,
			"before\none\nbetween\ntwo\nafter",
		},
		{
			"doubled marker and back-to-back documents",
			"#< CLIXML\r\n#< CLIXML\r\n" + objsOpen + `<S S="Error">a_x000D__x000A_</S></Objs>` + objsOpen + `<S S="Error">b_x000D__x000A_</S></Objs>`,
			"a\nb",
		},
		{
			"surrogate pair across two escapes",
			"#< CLIXML\r\n" + objsOpen + `<S S="Error">smile _xD83D__xDE00_ ok</S></Objs>`,
			"smile \U0001F600 ok",
		},
		{"lone surrogate becomes U+FFFD", "#< CLIXML\r\n" + objsOpen + `<S S="Error">x_xD83D_y</S></Objs>`, "x\uFFFDy"},
		{"escaped underscore keeps a literal escape", "#< CLIXML\r\n" + objsOpen + `<S S="Error">_x005F_x000A_ stays</S></Objs>`, "_x000A_ stays"},
		{"invalid escape is text", "#< CLIXML\r\n" + objsOpen + `<S S="Error">_xZZZZ_ and _x12_</S></Objs>`, "_xZZZZ_ and _x12_"},
		{
			"ANSI colours of PowerShell 7 are stripped",
			"#< CLIXML\r\n" + objsOpen + `<S S="Error">_x001B_[31;1mGet-Item: _x001B_[31;1mCannot find path._x001B_[0m_x000D__x000A_</S></Objs>`,
			"Get-Item: Cannot find path.",
		},
		{"ANSI in plain text is stripped too", "\x1b[91mError\x1b[0m text", "Error text"},
		{"non-ASCII text and XML entities", "#< CLIXML\r\n" + objsOpen + `<S S="Error">Jürgen &amp; Zoë &lt;x&gt;</S></Objs>`, "Jürgen & Zoë <x>"},
		{
			"information record uses ToString",
			"#< CLIXML\r\n" + objsOpen + `<Obj S="information" RefId="0"><TN RefId="0"><T>System.Management.Automation.InformationRecord</T></TN><ToString>hello host</ToString><Props><Obj N="MessageData" RefId="1"><ToString>hello host</ToString></Obj></Props></Obj></Objs>`,
			"hello host",
		},
		{
			"malformed document is kept raw",
			"#< CLIXML\r\n" + objsOpen + `<S S="Error">unclosed</Objs>`,
			objsOpen + `<S S="Error">unclosed</Objs>`,
		},
		{"truncated document is kept raw", "#< CLIXML\r\n" + objsOpen + `<S S="Error">cut`, objsOpen + `<S S="Error">cut`},
		{"marker without document is kept", "text #< CLIXML more", "text #< CLIXML more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DecodeCLIXML(tt.in); got != tt.want {
				t.Errorf("DecodeCLIXML()\n got: %q\nwant: %q", got, tt.want)
			}
		})
	}
}

func FuzzDecodeCLIXML(f *testing.F) {
	f.Add("#< CLIXML\r\n" + objsOpen + `<S S="Error">a_x000D__x000A_</S></Objs>`)
	f.Add("#< CLIXML\r\n#< CLIXML")
	f.Add("_xD83D_")
	f.Fuzz(func(t *testing.T, s string) {
		_ = DecodeCLIXML(s) // must not panic or loop
	})
}
