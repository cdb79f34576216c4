print("writ")
