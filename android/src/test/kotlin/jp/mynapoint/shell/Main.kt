package jp.mynapoint.shell

/** Every JVM case; an argument runs only the cases whose name contains it. */
fun main(args: Array<String>) {
    runCases(residentCases + accountCases + fieldCases, args.firstOrNull())
}
