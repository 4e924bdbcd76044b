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
	# The paper's own ratio (Aegis/ExOS against Ultrix on a DECstation),
	# for reference.  Only what its abstract states is given: primitive
	# kernel operations such as exception dispatch 10-100x faster,
	# application-level virtual memory and IPC 5-40x; the two rows where
	# the paper's system lost to Ultrix are marked as such.  Its per-row
	# table values could not be checked here and are not printed.
	split("exc_unalign exc_divide exc_prot", a, " ")
	for (i in a)
		paper[a[i]] = "10–100× ¹"
	split("vm_dirty vm_prot1 vm_trap vm_appel1 vm_appel2 " \
	    "ipc_pipe ipc_shm ipc_rpc", a, " ")
	for (i in a)
		paper[a[i]] = "5–40× ²"
	paper["vm_prot100"] = paper["vm_unprot100"] = "< 1× ³"
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
	lo[name, sys] = v["min"]
	hi[name, sys] = v["max"]
	cell[name, sys] = v["med"] " (" v["min"] "–" v["max"] ")"
	if (v["mode"] != "")
		mode = v["mode"]
}

# The ratio of two systems' medians with one decimal, or "" if either
# is missing.
function ratio(name, a, b) {
	if (med[name, a] == "" || med[name, b] == "" || med[name, b] == 0)
		return ""
	return sprintf("%.1f", med[name, a] / med[name, b])
}

function times(r) {
	return r == "" ? "" : r "×"
}

END {
	unit = mode == "kvm" ? "cycles" : "instructions"
	print "| benchmark | exokernel | exokernel via Linux ABI | Linux " \
	    "| Linux / exokernel | Linux / via Linux ABI " \
	    "| paper: Ultrix / Aegis-ExOS |" > md
	print "|---|---|---|---|---|---|---|" > md
	print "benchmark,exo_med,exo_min,exo_max,exo_linux_med,exo_linux_min," \
	    "exo_linux_max,linux_med,linux_min,linux_max,linux_over_exo," \
	    "linux_over_exo_linux,paper" > csv
	for (i = 1; i <= n; i++) {
		name = order[i]
		row = "| `" name "`"
		line = name
		for (s = 1; s <= nsys; s++) {
			c = cell[name, systems[s]]
			row = row " | " (c == "" ? "n/a" : c)
			line = line "," med[name, systems[s]] "," \
			    lo[name, systems[s]] "," hi[name, systems[s]]
		}
		r1 = ratio(name, "linux", "exo")
		r2 = ratio(name, "linux", "exo-linux")
		p = paper[name] == "" ? "—" : paper[name]
		print row " | " times(r1) " | " times(r2) " | " p " |" > md
		print line "," r1 "," r2 ",\"" p "\"" > csv
		if (r1 != "" || r2 != "")
			printf "%s %s %s\n", name, r1 == "" ? "NaN" : r1,
			    r2 == "" ? "NaN" : r2 > dat
	}
	close(md)
	while ((getline line < md) > 0)
		print line
	print ""
	print "Figures are the median " unit " per operation (minimum–maximum), " \
	    "mode " mode "; the ratios divide Linux's median by the other's."
	print "The paper's column (Engler, Kaashoek and O'Toole, SOSP 1995, " \
	    "DECstations, Ultrix against Aegis/ExOS) gives only what its " \
	    "abstract states: ¹ primitive kernel operations such as exception " \
	    "dispatch and protected control transfer, 10 to 100 times faster; " \
	    "² application-level virtual memory and IPC, 5 to 40 times; " \
	    "³ the paper's ExOS was slower than Ultrix here. Its per-row " \
	    "figures are not reproduced (no copy of its tables could be " \
	    "checked), and — means the paper has no such row or none we can " \
	    "source."
}
