"""The virtual farm: simulated terminating carriers (pjsua2 over real SIP) and simulated
handsets (a WebDriver/Appium HTTP endpoint with rendered incoming-call screens), started as
`ringcheck farm sim` in a process of its own. See DESIGN.md, "The virtual farm".
"""
