"""Pure scoring of finished playthroughs: recovery, present value, relationship, grade."""
