# Turns "bench NAME sys=SYS mode=M med=N min=N max=N" lines (or "... n/a")
# from every system into the table of ../shared/BENCHMARKS.md.
#   awk -v md=OUT.md -v csv=OUT.csv -v dat=OUT.dat -f tools/benchtable.awk LOG...
# Prints the Markdown table too.  Rows come in BENCHMARKS.md's order.

BEGIN {
	n = split("proc_call floor_syscall floor_exc null_syscall exc_unalign " \
	    "exc_divide exc_illegal exc_coproc exc_breakpoint exc_prot vm_dirty " \
	    "vm_prot1 vm_prot100 vm_unprot100 vm_trap vm_appel1 vm_appel2 " \
	    "ipc_pipe ipc_shm ipc_rpc yield net_rtt revoke_coop32 revoke_abort32",
	    order, " ")
	nsys = split("exo exo-linux linux", systems, " ")
}

$1 == "bench" {
	name = $2
	sys = $3
	sub(/^sys=/, "", sys)
	if ($4 == "n/a") {
		cell[name, sys] = "n/a"
		next
	}
	for (i = 4; i <= NF; i++) {
		split($i, kv, "=")
		v[kv[1]] = kv[2]
	}
	med[name, sys] = v["med"]
	cell[name, sys] = v["med"] " (" v["min"] "–" v["max"] ")"
	if (v["mode"] != "")
		mode = v["mode"]
}

function ratio(name, a, b) {
	if (med[name, a] == "" || med[name, b] == "" || med[name, b] == 0)
		return ""
	return sprintf("%.1f×", med[name, a] / med[name, b])
}

END {
	unit = mode == "kvm" ? "cycles" : "instructions"
	head = "| benchmark | exokernel | exokernel via Linux ABI | Linux | Linux / exokernel |"
	print head > md
	print "|---|---|---|---|---|" > md
	print "benchmark,exo_med,exo_linux_med,linux_med,linux_over_exo" > csv
	for (i = 1; i <= n; i++) {
		name = order[i]
		row = "| `" name "`"
		for (s = 1; s <= nsys; s++) {
			c = cell[name, systems[s]]
			row = row " | " (c == "" ? "n/a" : c)
		}
		r = ratio(name, "linux", "exo")
		row = row " | " r " |"
		print row > md
		printf "%s,%s,%s,%s,%s\n", name, med[name, "exo"], med[name, "exo-linux"],
		    med[name, "linux"], r == "" ? "" : substr(r, 1, length(r) - 1) > csv
		if (r != "")
			printf "%s %s\n", name, med[name, "linux"] / med[name, "exo"] > dat
	}
	close(md)
	while ((getline line < md) > 0)
		print line
	print ""
	print "Figures are the median " unit " per operation (minimum–maximum), " \
	    "mode " mode "."
}
