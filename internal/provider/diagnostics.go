package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/lyncdr/terraform-provider-lync/internal/pairing"
)

// addWorkflowError turns an error of the pairing workflow into a diagnostic.
// A failed precondition keeps its own summary and remedy; anything else gets
// the operation's summary, what happened to the farm, and the error, which
// already names the host, the step and the cmdlet.
func addWorkflowError(diags *diag.Diagnostics, summary string, err error, consequence string) {
	var pre *pairing.PreconditionError
	if errors.As(err, &pre) {
		diags.AddError(pre.Summary, pre.Detail+".\n\n"+consequence)
		return
	}
	text := err.Error()
	var step *pairing.StepError
	if errors.As(err, &step) {
		summary += ": " + step.Summary
		text = step.Detail
	}
	detail := consequence + "\n\n" + text
	if errors.Is(err, context.DeadlineExceeded) {
		detail += "\n\nThe operation ran out of time. Raise the resource's timeouts (or operation_timeout) if the farm is just slow."
	}
	diags.AddError(summary, detail)
}
