# The arithmetic of tools/shbench.sh, in three uses:
#   awk -v runs=N -v want_md5=H -v modes="icount tcg" -f tools/shbench.awk LOG...
#       reduces the boot logs (build/shbench/log/{sh,fw}-SYS-MODE-RUN.log)
#       to "bench" lines (../shared/BENCHMARKS.md) and "shbench" notes
#   awk -v table=1 -f tools/shbench.awk LINES    the Markdown table of them
#   awk -v csv=1 -f tools/shbench.awk LINES      the same as CSV
# A log is the console, where "fwnull tsc=0xX host=T" is a do-nothing
# kernel's counter at its entry and "shbench mark NAME tsc=N ns=M host=T"
# one of the script's marks (tests/shbench/bench), each stamped with the
# host's clock as it arrived.

BEGIN {
	# Counts pass through strings; keep every digit of them.
	CONVFMT = "%.9f"
}

function hex(s,    v, i, c) {
	v = 0
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1)) - 1
		v = v * 16 + c
	}
	return v
}

function field(name,    i) {
	for (i = 1; i <= NF; i++)
		if (index($i, name "=") == 1)
			return substr($i, length(name) + 2)
	return ""
}

# Sorts a[1..n] in place (insertion sort: n is a few runs).
function sort(a, n,    i, j, x) {
	for (i = 2; i <= n; i++) {
		x = a[i]
		for (j = i - 1; j >= 1 && a[j] > x; j--)
			a[j + 1] = a[j]
		a[j + 1] = x
	}
}

# The median of the values in list (space-separated), and min and max.
function stats(list,    a, n) {
	n = split(list, a, " ")
	if (n == 0)
		return ""
	sort(a, n)
	return a[int(n / 2) + 1] " " a[1] " " a[n]
}

function fmt(v, mode) {
	return mode == "tcg" ? sprintf("%.3f", v / tcg_hz) : sprintf("%.0f", v)
}

# table=1 / csv=1: the "bench" lines side by side.
(table || csv) && $1 == "bench" && $4 != "n/a" {
	name = $2
	sys = field("sys")
	mode = field("mode")
	if (!((name, mode) in seen)) {
		seen[name, mode] = 1
		rows[++nrows] = name SUBSEP mode
	}
	med[name, mode, sys] = field("med")
	cell[name, mode, sys] = field("med") " (" field("min") "–" field("max") ")"
	units[name, mode] = field("unit")
}

table || csv {
	next
}

FNR == 1 {
	n = split(FILENAME, path, "/")
	split(path[n], part, "[-.]")
	kind = part[1]
	sys = part[2]
	mode = part[3]
	run = part[4]
	key = sys SUBSEP mode SUBSEP run
	if (kind == "sh")
		logs[key] = 1
}

/^fwnull tsc=/ {
	fw_tsc[sys, mode] = (mode == "icount" ? "" : fw_tsc[sys, mode] " ") \
	    hex(field("tsc"))
}

/^shbench mark / {
	tsc[key, $3] = field("tsc")
	ns[key, $3] = field("ns")
	host[key, $3] = field("host")
}

/^shbench forkexec n=/ {
	iters[key] = field("n")
}

/^[0-9a-f]+  -$/ {
	md5[key] = $1
}

/^shbench done/ {
	done[key] = 1
}

function why(key) {
	if (!done[key])
		return "the script did not finish"
	if (md5[key] != want_md5)
		return "the pipeline printed md5 " md5[key] ", not " want_md5
	if (iters[key] != 1000)
		return "the loop ran " iters[key] " times, not 1000"
	if (tsc[key, "pipe1"] == "")
		return "marks are missing"
	return ""
}

# A value per run: under icount the counter is instructions; under plain
# TCG it is the host's time-stamp counter since the machine started, which
# the host's clock converts to seconds (hz, see END).
function collect(key, sys, mode,    d, fw, f) {
	d = tsc[key, "null1"] - tsc[key, "null0"]
	if (mode == "icount") {
		fw = fw_tsc[sys, mode]
		pre[sys] = pre[sys] " " tsc[key, "boot"] - ns[key, "boot"] - fw
	} else {
		split(stats(fw_tsc[sys, mode]), f, " ")
		fw = f[1]
	}
	vals["sh_boot", sys, mode] = vals["sh_boot", sys, mode] " " \
	    tsc[key, "boot"] - fw
	vals["sh_forkexec1000", sys, mode] = \
	    vals["sh_forkexec1000", sys, mode] " " \
	    (tsc[key, "forkexec1"] - tsc[key, "forkexec0"] - d) / \
	    (mode == "icount" ? 1000 : 1)
	vals["sh_pipe10m", sys, mode] = vals["sh_pipe10m", sys, mode] " " \
	    tsc[key, "pipe1"] - tsc[key, "pipe0"] - d
	if (mode == "tcg")
		hz = hz " " (tsc[key, "forkexec1"] - tsc[key, "forkexec0"]) / \
		    (host[key, "forkexec1"] - host[key, "forkexec0"])
}

END {
	if (table || csv) {
		emit_table()
		exit
	}
	for (key in logs) {
		split(key, k, SUBSEP)
		if ((w = why(key)) != "") {
			printf "FAIL shbench %s %s run %s: %s\n", k[1], k[2], k[3], w
			failed[k[1], k[2]] = 1
			continue
		}
		collect(key, k[1], k[2])
	}
	# The host's counter runs at a constant rate: ticks per second of the
	# host's clock over the longest interval, the median over the runs.
	if (split(stats(hz), f, " ")) {
		tcg_hz = f[1]
		printf "shbench tcg counter_hz=%.0f (from %d runs, %.0f-%.0f)\n",
		    f[1], split(hz, g, " "), f[2], f[3]
	}
	nm = split(modes, mode_list, " ")
	split("sh_boot sh_forkexec1000 sh_pipe10m", names, " ")
	for (m = 1; m <= nm; m++) {
		mode = mode_list[m]
		for (s = 1; s <= 2; s++) {
			sys = s == 1 ? "exo" : "linux"
			label = sys == "exo" ? "exo-linux" : "linux"
			if (mode == "icount")
				printf "shbench firmware sys=%s mode=icount insns=%.0f\n",
				    label, fw_tsc[sys, mode]
			else if (split(stats(fw_tsc[sys, mode]), f, " "))
				printf "shbench firmware sys=%s mode=tcg med=%s min=%s max=%s unit=s\n",
				    label, fmt(f[1], mode), fmt(f[2], mode), fmt(f[3], mode)
			for (i = 1; i <= 3; i++) {
				name = names[i]
				if (failed[sys, mode] ||
				    split(stats(vals[name, sys, mode]), v, " ") == 0) {
					printf "bench %s sys=%s n/a\n", name, label
					continue
				}
				u = mode == "tcg" ? "s" : \
				    name == "sh_forkexec1000" ? "insns/iteration" : "insns"
				printf "bench %s sys=%s mode=%s med=%s min=%s max=%s unit=%s\n",
				    name, label, mode, fmt(v[1], mode), fmt(v[2], mode),
				    fmt(v[3], mode), u
			}
			if (mode == "icount" && split(stats(pre[sys]), v, " "))
				printf "shbench boot-before-clock sys=%s insns=%.0f\n",
				    label, v[1]
		}
	}
}

function emit_table(    i, r, name, mode, a, b) {
	if (table) {
		print "| benchmark | mode | unit | exokernel via Linux ABI | Linux | Linux / exokernel |"
		print "|---|---|---|---|---|---|"
	} else {
		print "benchmark,mode,unit,exo_linux_med,linux_med,linux_over_exo"
	}
	for (i = 1; i <= nrows; i++) {
		split(rows[i], r, SUBSEP)
		name = r[1]
		mode = r[2]
		a = med[name, mode, "exo-linux"]
		b = med[name, mode, "linux"]
		ratio = a != "" && b != "" && a > 0 ? sprintf("%.2f", b / a) : ""
		if (table)
			printf "| `%s` | %s | %s | %s | %s | %s |\n", name, mode,
			    units[name, mode],
			    a == "" ? "n/a" : cell[name, mode, "exo-linux"],
			    b == "" ? "n/a" : cell[name, mode, "linux"],
			    ratio == "" ? "" : ratio "×"
		else
			printf "%s,%s,%s,%s,%s,%s\n", name, mode, units[name, mode],
			    a, b, ratio
	}
}
