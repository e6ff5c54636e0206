"""The handset farm: Appium handsets (Android UiAutomator2, iOS XCUITest), dialer profiles,
selection, leases, quarantine and health checks. Imports `robot`; `robot` never imports us.
"""
